import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pageTimingToReport } from '../../../src/core/session/page-timing-report.js';

const perfWith = (entry: object) => ({ getEntriesByType: (type: string) => (type === 'navigation' ? [entry] : []) });
const memoryStorage = () => {
  const map = new Map<string, string>();
  return { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
};

test("the first page after admission reports its server time and status, marked as first; then once a minute", () => {
  const storage = memoryStorage();
  const perf = perfWith({ requestStart: 100, responseStart: 1_350.4, responseStatus: 502 });
  assert.deepEqual(pageTimingToReport('t1', 0, perf, storage), { serverMs: 1_250, status: 502, firstPage: true });
  assert.equal(pageTimingToReport('t1', 30_000, perf, storage), undefined);
  assert.deepEqual(pageTimingToReport('t1', 61_000, perf, storage), { serverMs: 1_250, status: 502, firstPage: false });
});

test('no Navigation Timing (old browser, no entry yet) means no report, and no error', () => {
  assert.equal(pageTimingToReport('t1', 0, { getEntriesByType: () => [] }, memoryStorage()), undefined);
  assert.equal(pageTimingToReport('t1', 0, perfWith({ requestStart: 0, responseStart: 0 }), memoryStorage()), undefined);
  assert.equal(pageTimingToReport('t1', 0, undefined, undefined), undefined);
});
