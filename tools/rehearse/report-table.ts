/** The report as the operator reads it at the end of `npm run rehearse`. */
import type { RehearsalReport } from './rehearse.js';

export function reportTable(r: RehearsalReport): string {
  const pad = (cells: readonly (string | number)[], widths: readonly number[]) =>
    cells.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]!) : String(cell).padStart(widths[i]!))).join('  ');
  const widths = [10, 8, 8, 8, 8];
  const lines = [
    `Rehearsal of ${r.target}: ${r.pupils} pupils, ${r.rooms} rooms, ${r.processes} process(es), ${(r.elapsedMs / 1000).toFixed(1)} s`,
    '',
    `pupils arrived / admitted / released   ${r.arrived} / ${r.admitted} / ${r.released}`,
    `joins/s (acknowledged)                 ${r.joinsPerSecond}`,
    `requests per admitted pupil            ${r.requestsPerAdmitted}  (${r.requests} requests)`,
    `places lost                            ${r.placesLost}`,
    `FIFO inversions                        ${r.fifoInversions}`,
    `sessions lost (heartbeat: gone)        ${r.sessionsLost}`,
    `proof of work asked (428)              ${r.powRequired}`,
    '',
    pad(['endpoint', 'count', 'p50 ms', 'p95 ms', 'p99 ms'], widths),
    ...r.endpoints.map((e) => pad([e.name, e.count, e.p50Ms, e.p95Ms, e.p99Ms], widths)),
    '',
    'errors by code',
  ];
  const errors = Object.entries(r.errorsByCode).sort((a, b) => b[1] - a[1]);
  lines.push(...(errors.length === 0 ? ['  none'] : errors.map(([code, n]) => `  ${code.padEnd(36)}${n}`)));
  return lines.join('\n');
}
