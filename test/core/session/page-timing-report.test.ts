import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pageTimingToReport } from '../../../src/core/session/page-timing-report.js';

const perfWith = (entry: object, timeOrigin = 1_700_000_000_000.5) => ({ timeOrigin, getEntriesByType: (type: string) => (type === 'navigation' ? [entry] : []) });
const memoryStorage = () => {
  const map = new Map<string, string>();
  return { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
};

test("the first page after admission reports its server time and status, marked as first; then once a minute", () => {
  const storage = memoryStorage();
  const perf = perfWith({ requestStart: 100, responseStart: 1_350.4, responseStatus: 502 });
  assert.deepEqual(pageTimingToReport('t1', 0, perf, storage), { serverMs: 1_250, status: 502, firstPage: true });
  const next = perfWith({ requestStart: 10, responseStart: 410 }, 1_700_000_030_000.25);
  assert.equal(pageTimingToReport('t1', 30_000, next, storage), undefined);
  assert.deepEqual(pageTimingToReport('t1', 61_000, next, storage), { serverMs: 400, firstPage: false });
});

test('a pupil who stays on one page reports it once, not once a minute (the same page is not new evidence)', () => {
  const storage = memoryStorage();
  const perf = perfWith({ requestStart: 10, responseStart: 3_010 });
  assert.deepEqual(pageTimingToReport('t1', 0, perf, storage), { serverMs: 3_000, firstPage: true });
  for (const at of [61_000, 122_000, 600_000]) assert.equal(pageTimingToReport('t1', at, perf, storage), undefined, `at ${at} ms`);
  const reload = perfWith({ requestStart: 10, responseStart: 3_010 }, 1_700_000_700_000);
  assert.deepEqual(pageTimingToReport('t1', 700_000, reload, storage), { serverMs: 3_000, firstPage: false });
});

test('no Navigation Timing (old browser, no entry yet) means no report, and no error', () => {
  assert.equal(pageTimingToReport('t1', 0, { getEntriesByType: () => [] }, memoryStorage()), undefined);
  assert.equal(pageTimingToReport('t1', 0, perfWith({ requestStart: 0, responseStart: 0 }), memoryStorage()), undefined);
  assert.equal(pageTimingToReport('t1', 0, undefined, undefined), undefined);
});
