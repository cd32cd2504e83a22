/**
 * One morning replayed with several pupil pages, reduced to what the teachers' page plots and says: per
 * second, pupils waiting, pupils in (cumulative), requests reaching the queue server; and the few figures
 * its sentences quote. Plain arrays of equal length, so the result crosses a worker boundary as is.
 */
import type { AnyClientModel } from './client-model.js';
import type { Scenario } from './scenario.js';
import { type SimResult, simulate } from './simulate.js';

/** Seconds shown after the last pupil is in, so the plots show the line empty. */
export const REPLAY_TAIL_S = 60;

export interface ReplayedPolicy {
  name: string;
  /** Per second from 0 to `SurgeReplay.seconds - 1`. Pupils in line, as the server counted them. */
  waiting: number[];
  /** Pupils whose page had shown the login form by the end of that second (cumulative). */
  entered: number[];
  /** Requests that reached the queue server in that second, failed ones included. */
  requests: number[];
  peakRequestsPerSecond: number;
  /** First second with that peak. */
  peakRequestsAtS: number;
  /** Requests over the plotted seconds. */
  requestsTotal: number;
  /** Of which the server could not answer (over `scenario.serverRequestsPerSecond`, or down). */
  failedTotal: number;
  peakWaiting: number;
  /** When the last pupil who stayed saw the login form, seconds from the start; null if someone never did. */
  everyoneInS: number | null;
  /** Mean time from joining the line to seeing the login form. */
  meanWaitS: number;
}

export interface SurgeReplay {
  scenario: Scenario;
  /** Length of every series. */
  seconds: number;
  policies: ReplayedPolicy[];
}

export async function replaySurge(scenario: Scenario, models: readonly AnyClientModel[]): Promise<SurgeReplay> {
  const results: SimResult[] = [];
  for (const model of models) results.push(await simulate(scenario, model));
  const ends = results.map(lastEntrySecond);
  const longest = Math.max(...results.map((r) => r.series.requests.length));
  const seconds = Math.min(longest, Math.max(...ends.map((end) => end ?? longest)) + 1 + REPLAY_TAIL_S);
  return { scenario, seconds, policies: results.map((result, i) => reduce(result, seconds, ends[i])) };
}

function reduce({ policy, series, pupils }: SimResult, seconds: number, everyoneInS: number | null): ReplayedPolicy {
  const waiting = fit(series.waiting, seconds, series.waiting[series.waiting.length - 1] ?? 0);
  const requests = fit(series.requests, seconds, 0);
  const failed = fit(series.failed, seconds, 0);
  const entered = new Array<number>(seconds).fill(0);
  const waits: number[] = [];
  pupils.noticedAtMs.forEach((at, i) => {
    if (at === null) return;
    const s = Math.floor(at / 1000);
    if (s < seconds) entered[s]++;
    waits.push(at - pupils.firstJoinMs[i]!);
  });
  for (let s = 1; s < seconds; s++) entered[s] += entered[s - 1];
  const peakRequestsPerSecond = Math.max(0, ...requests);
  return {
    name: policy,
    waiting,
    entered,
    requests,
    peakRequestsPerSecond,
    peakRequestsAtS: requests.indexOf(peakRequestsPerSecond),
    requestsTotal: requests.reduce((a, b) => a + b, 0),
    failedTotal: failed.reduce((a, b) => a + b, 0),
    peakWaiting: Math.max(0, ...waiting),
    everyoneInS,
    meanWaitS: waits.length ? waits.reduce((a, b) => a + b, 0) / waits.length / 1000 : 0,
  };
}

/** The second the last pupil who stayed saw the login form; null if one of them never did. */
function lastEntrySecond({ pupils }: SimResult): number | null {
  let last = 0;
  for (let i = 0; i < pupils.noticedAtMs.length; i++) {
    const at = pupils.noticedAtMs[i];
    if (at === null) {
      if (!pupils.left[i]) return null;
    } else last = Math.max(last, at);
  }
  return Math.floor(last / 1000);
}

/** The series cut or padded to `length` (the runs of two policies end at different seconds). */
function fit(values: readonly number[], length: number, pad: number): number[] {
  const out = values.slice(0, length);
  while (out.length < length) out.push(pad);
  return out;
}
