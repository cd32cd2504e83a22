import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PupilSamples, SampleWindow, emptyHistogram, addSample, mergeInto, quantileMs, PupilReportOutcome } from '../../../src/server/autopilot/samples.js';
import { decide, type AutopilotBounds } from '../../../src/server/autopilot/law.js';
import { createSeededRandom } from '../../../src/core/wait/seeded-random.js';

test('a histogram reads the p95 of its pages within one bucket (6 %)', () => {
  const histogram = emptyHistogram();
  for (let ms = 1; ms <= 1000; ms++) addSample(histogram, { latencyMs: ms, error: false });
  const p95 = quantileMs(histogram, 0.95);
  assert.ok(p95 >= 950 && p95 <= 950 * 1.07, `p95 ${p95}`);
});

test("two instances' histograms merge into the histogram of all their pages", () => {
  const a = emptyHistogram();
  const b = emptyHistogram();
  const all = emptyHistogram();
  for (let i = 0; i < 500; i++) {
    const sample = { latencyMs: 10 + i * 7, error: i % 50 === 0 };
    addSample(i % 2 ? a : b, sample);
    addSample(all, sample);
  }
  assert.deepEqual(mergeInto(a, b), all);
});

test('the window forgets pages older than its length and counts only evidence since a change', () => {
  const window = new SampleWindow(1_000, 10_000);
  window.add({ latencyMs: 5_000, error: false }, 0);
  window.add({ latencyMs: 100, error: false }, 9_500);
  assert.equal(window.histogram(9_900).weight, 2);
  assert.equal(window.histogram(12_000).weight, 1);
  assert.equal(window.histogram(9_900, 5_000).weight, 1);
});

test('a ticket reports at most once a minute; the first page after admission weighs double', () => {
  const pupils = new PupilSamples();
  assert.equal(pupils.report('t1', { latencyMs: 300, error: false, firstPage: true }, 0), PupilReportOutcome.COUNTED);
  assert.equal(pupils.report('t1', { latencyMs: 60_000, error: true }, 30_000), PupilReportOutcome.TOO_SOON);
  assert.equal(pupils.report('t1', { latencyMs: Number.NaN, error: false }, 61_000), PupilReportOutcome.INVALID);
  assert.equal(pupils.summary(1_000).samples, 2);
});

test('5 % of reporters claiming 60-s failed pages do not make the seats fall', () => {
  const random = createSeededRandom(3);
  const pupils = new PupilSamples();
  for (let i = 0; i < 2_000; i++) {
    const liar = i % 20 === 0;
    const sample = liar ? { latencyMs: 60_000, error: true } : { latencyMs: 200 + random() * 400, error: false };
    pupils.report(`ticket-${i}`, { ...sample, firstPage: i % 3 === 0 }, 1_000 + (i % 50) * 1_000);
  }
  const summary = pupils.summary(55_000);
  assert.ok(summary.p95Ms < 700, `trimmed p95 ${summary.p95Ms}`);
  const bounds: AutopilotBounds = { targetMs: 1_000, minCapacity: 100, maxCapacity: 5_000, minAdmitPerMinute: 60, maxAdmitPerMinute: 2_000 };
  const decision = decide(
    { capacity: 1_000, admitPerMinute: 300, evidenceFrom: 0, changedAt: 0 },
    { now: 55_000, pupils: summary, waiting: 500, active: 1_000, admittingPerMinute: 300 },
    bounds,
  );
  assert.notEqual(decision.action, 'cut');
  assert.ok(decision.state.capacity >= 1_000, `seats ${decision.state.capacity}`);
});

test('a ticket that calls every report its first page votes double only once: 8 % of liars cannot cut the room', () => {
  const pupils = new PupilSamples();
  const t0 = 1_000_000;
  // Minute 0: every ticket's first report (weight 2 for everyone, honest or not); minutes 1 and 2: the
  // honest say firstPage false, the 8 liars keep claiming firstPage with failed pages.
  for (let minute = 0; minute < 3; minute++) {
    for (let i = 0; i < 100; i++) {
      const liar = i < 8;
      pupils.report(`t${i}`, { latencyMs: 300, error: liar, firstPage: liar || minute === 0 }, t0 + minute * 61_000 + i);
    }
  }
  const since = t0 + 60_000; // the law counts evidence since its last change: minutes 1 and 2 (slices are 5 s)
  const summary = pupils.summary(t0 + 2 * 61_000 + 200, since);
  assert.equal(summary.samples, 200, 'after the first report, every ticket weighs 1 whatever it claims');
  assert.equal(summary.errorShare, 0, `the liars' failed pages stay within the trimmed share: ${summary.errorShare}`);
});

test('ten minutes later, a ticket still cannot claim a first page again', () => {
  const pupils = new PupilSamples();
  pupils.report('t1', { latencyMs: 300, error: false, firstPage: true }, 0);
  pupils.report('t1', { latencyMs: 300, error: false, firstPage: true }, 10 * 60_000);
  assert.equal(pupils.summary(10 * 60_000 + 1).samples, 1);
});
