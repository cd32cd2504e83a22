/**
 * The waiting range a pupil is shown while the autopilot steers the room (pacing.ts `steeredBand`), over
 * real HTTP: at the opening, nothing admitted yet, the rate the room starts from is only the law's first
 * guess, so the low end allows the ramp within the operator's ceiling; a room with fixed numbers keeps the
 * range of its limit. Before the server passed the autopilot's bounds, both rooms were shown the same range.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../../src/server/http/serve.js';
import { LAW_TUNING } from '../../../src/server/autopilot/law.js';
import { freePort } from '../../support/redis-process.js';

test('at the opening a steered room promises no low end its autopilot may beat; a fixed room keeps its own', async () => {
  // A probe that nobody answers: the law never ramps up blind, so the rate stays at its 1/min start.
  const probeUrl = `http://127.0.0.1:${await freePort()}/session`;
  const server = await startServer({ port: 0, autopilotTiming: { pollMs: 50, tickMs: 100, probe: { intervalMs: 50 }, tuning: { ...LAW_TUNING } } });
  const admin = { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' };
  const put = (room: string, body: unknown) => fetch(`${server.apiUrl}/admin/rooms/${room}`, { method: 'PUT', headers: admin, body: JSON.stringify(body) });
  try {
    const autopilot = { on: true, targetMs: 500, probeUrl, minCapacity: 100, maxCapacity: 100, minAdmitPerMinute: 1, maxAdmitPerMinute: 600 };
    assert.equal((await put('steered', { capacity: 100, admitPerMinute: 1, autopilot })).status, 201);
    assert.equal((await put('fixed', { capacity: 100, admitPerMinute: 1 })).status, 201);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the supervisor's poll starts the law
    const lastStatus = async (room: string) => {
      let last: { id: string; ticket: string } | undefined;
      for (let i = 0; i < 20; i++) {
        const res = await fetch(`${server.apiUrl}/rooms/${room}/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: `key-${room}-${i}-0123456789abcdef` }) });
        last = (await res.json()) as { id: string; ticket: string };
      }
      const res = await fetch(`${server.apiUrl}/rooms/${room}/tickets/${last!.id}`, { headers: { authorization: `Bearer ${last!.ticket}` } });
      return (await res.json()) as { position: number; etaSeconds: number; etaLowSeconds: number; etaHighSeconds: number };
    };
    const fixed = await lastStatus('fixed');
    const steered = await lastStatus('steered');
    // 1 admitted at once, 19 waiting at 1/min: 19 minutes at the limit.
    assert.equal(fixed.position, 19);
    assert.deepEqual([fixed.etaSeconds, fixed.etaLowSeconds, fixed.etaHighSeconds], [1_140, 855, 1_710]);
    assert.equal(steered.position, 19);
    assert.deepEqual([steered.etaSeconds, steered.etaHighSeconds], [1_140, 1_710], 'the high end still assumes the limit holds');
    assert.equal(steered.etaLowSeconds, 85, 'the low end allows a tenfold ramp (10/min, under the 600/min ceiling)');
  } finally {
    await server.close();
  }
});
