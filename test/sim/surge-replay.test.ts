/** The teachers' page's morning, replayed: what its plots and sentences are made of. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { antichambreModel } from '../../src/sim/antichambre-model.js';
import { reloadModel } from '../../src/sim/reload-model.js';
import { REPLAY_TAIL_S, replaySurge } from '../../src/sim/surge-replay.js';
import { simulate } from '../../src/sim/simulate.js';
import { TUESDAY_8AM, TUESDAY_MODELS } from '../../src/sim/tuesday-scenario.js';

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

test('Tuesday 8:00: everyone gets in at the pace the ENT allows, and antichambre sends far fewer requests', async () => {
  const replay = await replaySurge(TUESDAY_8AM, TUESDAY_MODELS);
  const [ours, reload] = replay.policies;
  assert.deepEqual(replay.policies.map((p) => p.name), ['antichambre', 'reload-5s']);
  for (const policy of replay.policies) {
    for (const series of [policy.waiting, policy.entered, policy.requests]) assert.equal(series.length, replay.seconds);
    assert.equal(policy.entered.at(-1), TUESDAY_8AM.pupils, `${policy.name}: every pupil is in by the end of the plot`);
    assert.equal(policy.waiting.at(-1), 0, `${policy.name}: the line is empty at the end`);
    assert.ok(policy.entered.every((n, s) => s === 0 || n >= policy.entered[s - 1]), 'cumulative');
    assert.ok(policy.everyoneInS !== null && policy.everyoneInS < replay.seconds - REPLAY_TAIL_S);
    assert.equal(policy.requestsTotal, sum(policy.requests));
    assert.equal(policy.requests[policy.peakRequestsAtS], policy.peakRequestsPerSecond);
    assert.equal(policy.peakWaiting, Math.max(...policy.waiting));
  }
  // 3,000 pupils at 250 a minute: the last one cannot be in before 12 minutes after the first.
  const minimumS = (TUESDAY_8AM.pupils / TUESDAY_8AM.admitPerMinute - 1) * 60;
  assert.ok(ours.everyoneInS! >= minimumS && reload.everyoneInS! >= minimumS);
  assert.ok(Math.abs(ours.everyoneInS! - reload.everyoneInS!) <= 10, `reloading gets nobody in sooner: ${ours.everyoneInS} vs ${reload.everyoneInS} s`);
  assert.ok(ours.peakWaiting > 1_000, 'a real line forms');
  assert.ok(reload.peakRequestsPerSecond > 4 * ours.peakRequestsPerSecond, `peak ${reload.peakRequestsPerSecond} vs ${ours.peakRequestsPerSecond} req/s`);
  assert.ok(reload.requestsTotal > 4 * ours.requestsTotal, `total ${reload.requestsTotal} vs ${ours.requestsTotal}`);
  // The server answers 200 requests a second at most: antichambre stays under it, reloading does not.
  assert.equal(ours.failedTotal, 0, 'antichambre never overloads the server');
  assert.ok(reload.failedTotal > 0.1 * reload.requestsTotal, `reloading: ${reload.failedTotal} of ${reload.requestsTotal} requests unanswered`);
});

test('over its requests-per-second limit the server fails the extra requests, and only those', async () => {
  const limited = { ...TUESDAY_8AM, serverRequestsPerSecond: 30 };
  const result = await simulate(limited, reloadModel());
  result.series.requests.forEach((sent, s) => {
    assert.equal(sent - result.series.failed[s], Math.min(sent, 30), `second ${s}: ${sent} sent, ${result.series.failed[s]} failed`);
  });
  assert.ok(result.series.failed.some((n) => n > 0), 'the limit was reached');
});

test('a replay is deterministic, and a pupil who gives up does not keep "everyone in" from being reached', async () => {
  const scenario = { ...TUESDAY_8AM, pupils: 300, admitPerMinute: 50, leaveShare: 0.2 };
  const models = [antichambreModel(), reloadModel({ periodMs: 3_000, jitter: 0.2 })];
  const a = await replaySurge(scenario, models);
  assert.deepEqual(await replaySurge(scenario, models), a);
  for (const policy of a.policies) {
    assert.ok(policy.everyoneInS !== null);
    assert.ok(policy.entered.at(-1)! < scenario.pupils, 'those who left never entered');
  }
});
