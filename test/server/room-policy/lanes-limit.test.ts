/**
 * More lanes than a room can hold (8 configured; Redis keeps 12 lane lines per room, the rest for lanes
 * removed while people still wait in them): refused in one sentence by the admin API and the --rooms
 * file alike, before any store sees them, so the memory and Redis stores never disagree about a 9th lane.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, parseConfig } from '../../../src/server/config/config.js';
import { ADMIN, ROOM, harness } from '../../support/harness.js';

const lanes = (n: number): { name: string; share: number }[] => Array.from({ length: n }, (_, i) => ({ name: `lane-${i + 1}`, share: 0.05 }));

test('13 lanes (beyond the 12 Redis lane slots) or 9 (beyond the 8 configured): a one-sentence 400 that says the limit', async () => {
  const h = harness();
  for (const n of [9, 13]) {
    const res = await h.request(`/admin/rooms/${ROOM}`, { method: 'PUT', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ lanes: lanes(n) }) });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { message: string } }).error.message, `lanes: at most 8 lanes; got ${n}.`);
  }
  const ok = await h.request(`/admin/rooms/${ROOM}`, { method: 'PUT', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ lanes: lanes(8) }) });
  assert.ok([200, 201].includes(ok.status), '8 lanes are fine');
});

test('the --rooms file refuses 13 lanes in one line naming the room', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'antichambre-lanes-limit-')), 'rooms.json');
  writeFileSync(file, JSON.stringify({ rooms: { 'college-a': { lanes: lanes(13) } } }));
  assert.throws(
    () => parseConfig(['--rooms', file], {}),
    (e) => e instanceof ConfigError && /^--rooms .*rooms\.json: rooms\.college-a: lanes: at most 8 lanes; got 13\.$/.test(e.message) && !e.message.includes('\n'),
  );
});
