/** The surge simulator: a seed replays the same morning, and its plain output adds up. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { antichambreModel } from '../../src/sim/antichambre-model.js';
import { naive1s } from '../../src/sim/peer-models.js';
import { DEFAULT_SCENARIO, scaleScenario } from '../../src/sim/scenario.js';
import { simulate } from '../../src/sim/simulate.js';
import { summarise } from '../../src/sim/summary.js';

const small = scaleScenario(DEFAULT_SCENARIO, 1_000);
const antichambre = antichambreModel();
const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

test('the same seed replays the same morning; another seed gives another', async () => {
  const a = await simulate(small, antichambre);
  const b = await simulate(small, antichambre);
  assert.deepEqual(a, b);
  const c = await simulate({ ...small, seed: 2 }, antichambre);
  assert.notDeepEqual(c.pupils.requests, a.pupils.requests);
});

test('the series and the per-pupil figures add up', async () => {
  const { series, pupils, scenario } = await simulate(small, antichambre);
  const seconds = series.requests.length;
  for (const s of [series.failed, series.waiting, series.admitted]) assert.equal(s.length, seconds);
  assert.equal(sum(series.requests), sum(pupils.requests), 'every request is in one second of the series');
  const outage = scenario.outages[0];
  const failedAt = series.failed.flatMap((n, s) => (n > 0 ? [s] : []));
  assert.ok(failedAt.length > 0 && failedAt.every((s) => s >= outage.atS && s < outage.atS + outage.durationS), 'failures only while down');
  const noticed = pupils.noticeMs.filter((ms) => ms !== null).length;
  assert.ok(noticed > 0.9 * scenario.pupils, 'nearly everyone who stayed got in');
  assert.ok(sum(series.admitted) >= noticed, 'the server admitted at least everyone who noticed');
  const orders = pupils.admissionOrder.filter((o): o is number => o !== null).sort((x, y) => x - y);
  assert.deepEqual(orders, [...orders.keys()], 'admission order is a ranking');
  const vanished = pupils.left.filter(Boolean).length;
  assert.ok(series.waiting[seconds - 1] <= vanished, 'at the end only pupils who gave up may still hold a place');
});

test('antichambre on a small morning: no place lost, strict FIFO, admissions noticed within seconds', async () => {
  const summary = summarise(await simulate(small, antichambre));
  assert.equal(summary.placesLost, 0);
  assert.equal(summary.fifoInversions, 0);
  assert.ok(summary.requestsPerAdmitted < 20, `${summary.requestsPerAdmitted} requests per admitted pupil`);
  assert.ok(summary.p95AdmissionNoticeMs < 10_000);
});

test('after the outage, naive-1s floods the server; antichambre barely rises', async () => {
  const scenario = scaleScenario(DEFAULT_SCENARIO, 200);
  const peakPerPupil = async (model: typeof naive1s | typeof antichambre): Promise<number> => {
    const { series } = await simulate(scenario, model);
    const end = scenario.outages[0].atS + scenario.outages[0].durationS;
    return Math.max(...series.requests.slice(end, end + 120)) / scenario.pupils;
  };
  const naive = await peakPerPupil(naive1s);
  const ours = await peakPerPupil(antichambre);
  assert.ok(naive > 10 * ours, `peak requests per pupil-second after the outage: naive ${naive}, antichambre ${ours}`);
});

test('a pupil admitted seconds before an outage still claims the seat when the server is back', async () => {
  // 10 admissions a second into a long line, then the queue server gone for a minute: the front of the line,
  // paced at a few seconds, fails twice and must come back inside the 180-s admission grace.
  const morning = {
    ...scaleScenario(DEFAULT_SCENARIO, 3_000),
    arrivalWindowS: 60, arrivalPeakS: 30, arrivalSpreadS: 15, capacity: 3_000, admitPerMinute: 600,
    statusBudgetPerSecond: 2_000, outages: [{ atS: 150, durationS: 60 }], leaveShare: 0,
  };
  const { pupils } = await simulate(morning, antichambre);
  const admittedBeforeOutage = pupils.noticedAtMs.filter((at) => at !== null && at < 150_000).length;
  assert.ok(admittedBeforeOutage > 1_000, `${admittedBeforeOutage} in before the outage`);
  assert.equal(sum(pupils.lostPlaces), 0, 'places lost');
});
