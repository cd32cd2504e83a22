/**
 * `npm run bench:surge [-- --pupils N] [-- --seed S] [-- --json]`: antichambre's polling against models of
 * peers' published client behaviour, on the same simulated school morning (src/sim/, docs/benchmarks.md).
 * Each policy runs in its own process, as many at once as there are cores; nothing touches the network.
 * Then the lanes morning (src/sim/lanes-morning.ts): staff with a pass and parents after 8:30 among the same
 * pupils, with lanes and in one line, antichambre's page only.
 * `--json` prints only `{"scenario": {...}, "policies": [...], "lanes": {...}}` on stdout; progress goes to stderr.
 */
import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { antichambreModel } from '../src/sim/antichambre-model.js';
import { LANES_MORNING, type LanesRun, type LanesSummary, lanesTargets, runLanesMorning, scaleLanesMorning, summariseLanes } from '../src/sim/lanes-morning.js';
import { POLICIES, policyNamed } from '../src/sim/policies.js';
import { DEFAULT_SCENARIO, type Scenario, scaleScenario } from '../src/sim/scenario.js';
import { simulate } from '../src/sim/simulate.js';
import { type PolicySummary, summarise } from '../src/sim/summary.js';

const { values } = parseArgs({
  options: {
    pupils: { type: 'string', default: String(DEFAULT_SCENARIO.pupils) },
    seed: { type: 'string', default: String(DEFAULT_SCENARIO.seed) },
    json: { type: 'boolean', default: false },
    policy: { type: 'string' }, // internal: run one policy in this (child) process
    lanes: { type: 'string' }, // internal: run the lanes morning, "with" or "without" lanes, in this (child) process
  },
});
const pupils = Number(values.pupils);
const seed = Number(values.seed);
if (!Number.isInteger(pupils) || pupils < 100 || pupils > 2_000_000) throw new Error('--pupils must be an integer in [100, 2000000]');
if (!Number.isInteger(seed)) throw new Error('--seed must be an integer');
const scenario: Scenario = { ...scaleScenario(DEFAULT_SCENARIO, pupils), seed };
const populationOf = (share: number): number => Math.max(100, Math.round(pupils * share));

const scaledLanes = scaleLanesMorning(LANES_MORNING, pupils);
const lanesMorning = { ...scaledLanes, scenario: { ...scaledLanes.scenario, seed } };
if (values.lanes !== undefined) {
  process.send!(await runLanesMorning(lanesMorning, antichambreModel(), values.lanes === 'with'));
  process.exit(0);
}

if (values.policy !== undefined) {
  const policy = policyNamed(values.policy);
  if (!policy) throw new Error(`unknown policy ${values.policy}`);
  const result = await simulate(scaleScenario(scenario, populationOf(policy.populationShare)), policy.model);
  process.send!(summarise(result));
  process.exit(0);
}

const log = (line: string): void => void (values.json ? process.stderr : process.stdout).write(`${line}\n`);
const started = performance.now();
const summaries = new Map<string, PolicySummary>();
const lanesRuns = new Map<string, LanesRun>();
// Biggest jobs first, so the cores finish together; the two lanes runs are full crowds (107 % of the pupils).
const LANES_JOBS = ['lanes:with', 'lanes:without'];
const queue = [...LANES_JOBS, ...[...POLICIES].sort((a, b) => b.populationShare - a.populationShare).map((policy) => policy.model.name)];
const runOne = (name: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const lanes = name.startsWith('lanes:') ? name.slice('lanes:'.length) : undefined;
    const job = lanes === undefined ? ['--policy', name] : ['--lanes', lanes];
    const child = fork(fileURLToPath(import.meta.url), [...job, '--pupils', String(pupils), '--seed', String(seed)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    child.once('message', (result) => (lanes === undefined ? summaries.set(name, result as PolicySummary) : lanesRuns.set(lanes, result as LanesRun)));
    child.once('exit', (code) => {
      if (code !== 0 || !(summaries.has(name) || (lanes !== undefined && lanesRuns.has(lanes)))) return reject(new Error(`job ${name} exited with ${code}`));
      log(`  ${name}: ${((performance.now() - started) / 1000).toFixed(0)} s`);
      resolve();
    });
  });
const worker = async (): Promise<void> => {
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) await runOne(name);
};
log(`Simulating ${POLICIES.length} policies and the lanes morning, ${pupils} pupils, seed ${seed}…`);
await Promise.all(Array.from({ length: Math.max(1, Math.min(availableParallelism(), queue.length)) }, worker));
const results = POLICIES.map((policy) => summaries.get(policy.model.name)!);
const lanes: LanesSummary = summariseLanes(lanesRuns.get('with')!, lanesRuns.get('without')!);

const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;
if (values.json) {
  const populations = Object.fromEntries(results.map((s) => [s.name, s.pupils]));
  const policies = results.map((s) => ({
    name: s.name,
    requestsPerAdmitted: round(s.requestsPerAdmitted, 2),
    peakToSteadyAfterOutage: s.peakToSteadyAfterOutage === null ? null : round(s.peakToSteadyAfterOutage, 2),
    p95AdmissionNoticeMs: Math.round(s.p95AdmissionNoticeMs),
    placesLost: s.placesLost,
    fifoInversions: s.fifoInversions,
    requestsTotal: s.requestsTotal,
  }));
  const lanesJson = Object.fromEntries(Object.entries(lanes).map(([key, value]) => [key, key.endsWith('S') ? round(value, 1) : value])) as LanesSummary;
  process.stdout.write(`${JSON.stringify({ scenario: { ...scenario, populations }, policies, lanes: lanesJson })}\n`);
} else {
  printTable();
  printLanes();
}

function printTable(): void {
  const head = ['policy', 'pupils', 'req/admitted', 'peak/steady after outage', 'peak req/s per 1k pupils', 'p95 notice', 'places lost', 'FIFO inversions', 'requests', 'mean wait'];
  const rows = results.map((s) => [
    s.name,
    s.pupils.toLocaleString('en'),
    s.requestsPerAdmitted.toFixed(1),
    s.peakToSteadyAfterOutage === null ? '—' : s.peakToSteadyAfterOutage.toFixed(2),
    s.peakAfterOutagePer1000 === null ? '—' : s.peakAfterOutagePer1000.toFixed(1),
    `${(s.p95AdmissionNoticeMs / 1000).toFixed(1)} s`,
    s.placesLost.toLocaleString('en'),
    s.fifoInversions.toLocaleString('en'),
    s.requestsTotal.toLocaleString('en'),
    `${(s.meanWaitS / 60).toFixed(1)} min`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const outage = scenario.outages[0];
  log('');
  log(
    `${scenario.pupils.toLocaleString('en')} pupils arriving over ${scenario.arrivalWindowS / 60} min, ${scenario.capacity.toLocaleString('en')} seats, ` +
      `${scenario.admitPerMinute.toLocaleString('en')} admissions/min, sessions ${scenario.sessionMinS / 60}–${scenario.sessionMaxS / 60} min, ` +
      `${scenario.leaveShare * 100} % give up` +
      (outage ? `, queue server down ${outage.durationS} s at +${outage.atS / 60} min` : '') +
      `, seed ${seed}. Policies on fewer pupils ran on a proportionally scaled crowd.`,
  );
  log('');
  log(line(head));
  log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const row of rows) log(line(row));
  const ours = results[0];
  const cloudflare = results.find((s) => s.name === 'cloudflare-20s');
  const checks: [string, boolean][] = [
    [`requests per admitted ≤ 15 (${ours.requestsPerAdmitted.toFixed(1)})`, ours.requestsPerAdmitted <= 15],
    [`peak/steady after the outage ≤ 1.5 (${ours.peakToSteadyAfterOutage?.toFixed(2) ?? '—'})`, (ours.peakToSteadyAfterOutage ?? 0) <= 1.5],
    [`p95 admission notice ≤ 5 s (${(ours.p95AdmissionNoticeMs / 1000).toFixed(1)} s)`, ours.p95AdmissionNoticeMs <= 5000],
    [`no place lost (${ours.placesLost})`, ours.placesLost === 0],
    [`no FIFO inversion (${ours.fifoInversions})`, ours.fifoInversions === 0],
  ];
  if (cloudflare) {
    const ratio = cloudflare.requestsPerAdmitted / ours.requestsPerAdmitted;
    checks.push([`≥ 6× fewer requests per admitted than cloudflare-20s (${ratio.toFixed(1)}×)`, ratio >= 6]);
  }
  log('');
  log(`${ours.name} targets:`);
  for (const [label, ok] of checks) log(`  ${ok ? '✓' : '✗'} ${label}`);
}

function printLanes(): void {
  const { scenario: s, staff, parents, lanes: roomLanes } = lanesMorning;
  const staffCount = Math.round(s.pupils * staff.share);
  const parentCount = Math.round(s.pupils * parents.share);
  const clock = (offsetS: number): string => {
    const [h, m] = s.startClock.split(':').map(Number);
    const minutes = h * 60 + m + Math.round(offsetS / 60);
    return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;
  };
  const lanesText = roomLanes.map((l) => `${l.name} ${l.share * 100} %${l.window ? ` from ${l.window.from}` : ''}`).join(', ');
  log('');
  log(
    `Lanes morning (antichambre): the same ${s.pupils.toLocaleString('en')} pupils from ${s.startClock}, ${staffCount.toLocaleString('en')} staff with a pass ` +
      `${clock(staff.fromS)}–${clock(staff.toS)}, ${parentCount.toLocaleString('en')} parents with a pass ${clock(parents.fromS)}–${clock(parents.toS)}; lanes: ${lanesText}.`,
  );
  log('');
  const minutes = (seconds: number): string => (seconds < 120 ? `${seconds.toFixed(0)} s` : `${(seconds / 60).toFixed(1)} min`);
  const head = ['case', 'staff p95 wait', 'pupils mean wait', 'pupils mean wait, one line', 'parents mean wait', 'places lost', 'inversions within a lane'];
  const row = ['lanes', minutes(lanes.staffP95WaitS), minutes(lanes.pupilsMeanWaitS), minutes(lanes.pupilsMeanWaitNoLanesS), minutes(lanes.parentsMeanWaitS), lanes.placesLost.toLocaleString('en'), lanes.inversionsWithinLane.toLocaleString('en')];
  const oneLine = lanesRuns.get('without')!;
  const without = ['one line', minutes(oneLine.staffP95WaitS), minutes(oneLine.pupilsMeanWaitS), '—', minutes(oneLine.parentsMeanWaitS), oneLine.placesLost.toLocaleString('en'), oneLine.inversionsWithinLane.toLocaleString('en')];
  const widths = head.map((h, i) => Math.max(h.length, row[i].length, without[i].length));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  log(line(head));
  log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  log(line(row));
  log(line(without));
  log('');
  log('lanes targets:');
  for (const [label, ok] of lanesTargets(lanes)) log(`  ${ok ? '✓' : '✗'} ${label}`);
  log(`\n${((performance.now() - started) / 1000).toFixed(0)} s on ${availableParallelism()} cores.`);
}
