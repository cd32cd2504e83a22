/**
 * A manual capacity above the autopilot's ceiling while it is on becomes the new ceiling (docs/autopilot.md),
 * and stays: the law running with the old bounds must not clamp it back before the supervisor restarts it
 * with the new ones (seen on the teachers' page: « 1 000 places » written back to 0 within a second).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer } from '../../../src/server/http/serve.js';

test('a manual raise above the ceiling is kept, not clamped back by the law still on the old bounds', async () => {
  // Configs read every second, the law ticking every 50 ms: twenty ticks on the old bounds after the PUT.
  const server = await startServer({ port: 0, capacity: 2, autopilotTiming: { pollMs: 1_000, tickMs: 50 } });
  const admin = async (method: string, body?: unknown) => {
    const res = await fetch(`${server.apiUrl}/admin/rooms/ent`, { method, headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return (await res.json()) as { capacity: number; autopilot?: { maxCapacity: number; lastDecision: unknown } };
  };
  try {
    await admin('PUT', { autopilot: { on: true, targetMs: 500, minCapacity: 2, maxCapacity: 40, minAdmitPerMinute: 10, maxAdmitPerMinute: 600 } });
    const end = Date.now() + 3_000;
    while (!(await admin('GET')).autopilot?.lastDecision && Date.now() < end) await sleep(50);
    assert.ok((await admin('GET')).autopilot?.lastDecision, 'the law runs');
    await admin('PUT', { capacity: 100 });
    await sleep(400);
    const room = await admin('GET');
    assert.equal(room.autopilot?.maxCapacity, 100, 'the ceiling moved');
    assert.equal(room.capacity, 100, 'and the seats stay where the operator put them');
  } finally {
    await server.close();
  }
});
