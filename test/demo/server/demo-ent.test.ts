/**
 * The classroom's modelled ENT (demo/server/demo-ent.ts): its pages slow down as pupils log in, « L'ENT
 * ralentit » halves what it takes for a while, and the autopilot's probe reaches it over real HTTP.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClassroomEnt, DemoEnts } from '../../../demo/server/demo-ent.js';
import { createSeededRandom } from '../../../src/core/wait/seeded-random.js';

/** p95 and failed share of 200 pages, one model step per simulated second. */
function pages(ent: ClassroomEnt, clock: { now: number }): { p95: number; failed: number } {
  const times: number[] = [];
  let failed = 0;
  for (let i = 0; i < 200; i++) {
    clock.now += 1000;
    const page = ent.page();
    times.push(page.latencyMs);
    if (page.error) failed++;
  }
  times.sort((a, b) => a - b);
  return { p95: times[189], failed: failed / 200 };
}

test('pages stay under the 1-s target at 10 pupils, and the slowed ENT takes half as many', () => {
  const clock = { now: 0 };
  let sessions = 10;
  const ent = new ClassroomEnt({ sessions: () => sessions, now: () => clock.now, random: createSeededRandom(3) });
  assert.equal(ent.kneeSessions(), 12, 'the healthy ENT takes 12 pupils under its target');
  const healthy = pages(ent, clock);
  assert.ok(healthy.p95 < 1000 && healthy.failed === 0, `10 pupils: p95 ${healthy.p95} ms, ${healthy.failed} failed`);

  ent.slowDown(300_000);
  assert.equal(ent.kneeSessions(), 6);
  assert.equal(ent.slowMs(), 300_000);
  const slowed = pages(ent, clock);
  assert.ok(slowed.p95 >= 2000 && slowed.failed > 0.1, `10 pupils on the slowed ENT: p95 ${slowed.p95} ms, ${slowed.failed} failed`);
  sessions = 4;
  const fewer = pages(ent, clock);
  assert.ok(fewer.p95 < 1000, `4 pupils on the slowed ENT: p95 ${fewer.p95} ms`);
  assert.equal(ent.slowMs(), 0, 'the slowdown ended');
  assert.equal(ent.kneeSessions(), 12);
  sessions = 14;
  const crowded = pages(ent, clock);
  assert.ok(crowded.p95 > 1000, `14 pupils on the whole ENT, past its 12: p95 ${crowded.p95} ms`);
});

test('the ENT answers over loopback HTTP at its URL, and goes with its classroom', async () => {
  const ents = new DemoEnts();
  const ent = new ClassroomEnt({ sessions: () => 0 });
  const url = await ents.add('demo-1', ent);
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/demo-1$/);
  const res = await fetch(url);
  assert.equal(res.status, 200);
  assert.equal((await fetch(url.replace('demo-1', 'demo-2'))).status, 404);
  ents.remove('demo-1', ent);
  await assert.rejects(fetch(url), 'the server closed with its last ENT');
});
