/**
 * The benchmark's figures from a simulation's plain output. Every figure is per pupil or a ratio, so a
 * policy run on a scaled-down crowd compares with one run on the full crowd.
 */
import type { SimResult } from './simulate.js';

export interface PolicySummary {
  name: string;
  /** Pupils the policy ran with. */
  pupils: number;
  /** Every request the pupils sent ÷ pupils admitted. */
  requestsPerAdmitted: number;
  /** Highest 1-s request count in the 2 min after the first outage ÷ mean 1-s count in the 2 min before. */
  peakToSteadyAfterOutage: number | null;
  /** That peak per 1,000 pupils of the crowd: how hard the policy hits a server that just came back. */
  peakAfterOutagePer1000: number | null;
  /** 95th percentile of admission-to-notice time, over pupils who stayed. */
  p95AdmissionNoticeMs: number;
  placesLost: number;
  /** Pairs of pupils admitted in the opposite order of their first join. */
  fifoInversions: number;
  requestsTotal: number;
  admitted: number;
  meanWaitS: number;
}

const WINDOW_S = 120;

export function summarise(result: SimResult): PolicySummary {
  const { series, pupils, scenario } = result;
  const requestsTotal = sum(series.requests);
  const stayers = pupils.noticeMs.flatMap((ms, i) => (ms === null || pupils.left[i] ? [] : [i]));
  const notices = stayers.map((i) => pupils.noticeMs[i]!).sort((a, b) => a - b);
  const outage = scenario.outages[0];
  let peakToSteady: number | null = null;
  let peakPer1000: number | null = null;
  if (outage) {
    const end = outage.atS + outage.durationS;
    const before = series.requests.slice(Math.max(0, outage.atS - WINDOW_S), outage.atS);
    const after = series.requests.slice(end, end + WINDOW_S);
    const steady = before.length ? sum(before) / before.length : 0;
    const peak = Math.max(0, ...after);
    peakToSteady = steady > 0 ? peak / steady : null;
    peakPer1000 = (peak * 1000) / scenario.pupils;
  }
  const byAdmission = stayers.slice().sort((a, b) => pupils.admissionOrder[a]! - pupils.admissionOrder[b]!);
  const waits = stayers.map((i) => pupils.noticedAtMs[i]! - pupils.firstJoinMs[i]!);
  return {
    name: result.policy,
    pupils: scenario.pupils,
    requestsPerAdmitted: requestsTotal / Math.max(1, pupils.noticeMs.filter((ms) => ms !== null).length),
    peakToSteadyAfterOutage: peakToSteady,
    peakAfterOutagePer1000: peakPer1000,
    p95AdmissionNoticeMs: percentile(notices, 0.95),
    placesLost: sum(pupils.lostPlaces),
    fifoInversions: countInversions(byAdmission.map((i) => pupils.firstJoinMs[i]!)),
    requestsTotal,
    admitted: stayers.length,
    meanWaitS: waits.length ? sum(waits) / waits.length / 1000 : 0,
  };
}

export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/** Pairs i < j with values[i] > values[j], by merge sort: O(n log n). */
export function countInversions(values: readonly number[]): number {
  let a = values.slice();
  let b = new Array<number>(a.length);
  let inversions = 0;
  for (let width = 1; width < a.length; width *= 2) {
    for (let lo = 0; lo < a.length; lo += 2 * width) {
      const mid = Math.min(lo + width, a.length);
      const hi = Math.min(lo + 2 * width, a.length);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (a[j] < a[i]) {
          inversions += mid - i;
          b[k++] = a[j++];
        } else b[k++] = a[i++];
      }
      while (i < mid) b[k++] = a[i++];
      while (j < hi) b[k++] = a[j++];
    }
    [a, b] = [b, a];
  }
  return inversions;
}

const sum = (values: readonly number[]): number => values.reduce((total, v) => total + v, 0);
