/**
 * A rehearsal: N virtual pupils (virtual-pupil.ts) arriving over a bell-shaped curve across R rooms of a
 * target queue server, in this process or spread over P child processes (worker.ts), bounded in count
 * and time, then one report. `npm run rehearse` (cli.ts) is its command line; tests call it in process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { fileURLToPath } from 'node:url';
import ipaddr from 'ipaddr.js';
import { countFifoInversions } from './fifo-inversions.js';
import { ENDPOINTS, Tally, type Endpoint, type TallySnapshot } from './tally.js';
import { runPupil, type PupilPlan } from './virtual-pupil.js';
import type { LatencySummary } from './latency-histogram.js';

export interface RehearsalOptions {
  /** The server's origin (`http://127.0.0.1:8080`) or its API base (`…/api/v1`). */
  target: string;
  pupils: number;
  rooms: number;
  /** Length of the run; arrivals take its first 60 %. Fractions are fine (0.1 = 6 s). */
  minutes: number;
  processes?: number;
  /** How long an admitted pupil stays (±50 %) before releasing its seat. */
  sessionSeconds?: number;
  /** Heartbeat period of an admitted pupil (+25 % jitter), as the heartbeat plan draws it. */
  heartbeatSeconds?: number;
  /** Rooms are `<prefix>-0` … `<prefix>-(R−1)`. */
  roomPrefix?: string;
  /** A target that is not this machine: only when the operator names it so (--allow-remote). */
  allowRemote?: boolean;
  seed?: number;
}

export const REHEARSAL_DEFAULTS = { pupils: 600, rooms: 10, minutes: 1, processes: 1, sessionSeconds: 20, heartbeatSeconds: 5, roomPrefix: 'rehearsal', seed: 1 };

/** Share of the run over which pupils arrive; the rest lets the line drain. */
export const ARRIVAL_SHARE = 0.6;
/** Where the arrival curve peaks, as a share of the arrival window: just after the bell. */
const ARRIVAL_PEAK = 0.25;
/** After the run's end, releases and answers in flight get this long; then everything is cut. */
export const HARD_STOP_MARGIN_MS = 10_000;

export interface Progress {
  elapsedMs: number;
  durationMs: number;
  arrived: number;
  admitted: number;
  released: number;
  requests: number;
  errors: number;
  placesLost: number;
}

export interface RehearsalReport {
  target: string;
  pupils: number;
  rooms: number;
  processes: number;
  elapsedMs: number;
  arrived: number;
  admitted: number;
  released: number;
  /** Acknowledged joins per second over the arrival window. */
  joinsPerSecond: number;
  placesLost: number;
  sessionsLost: number;
  fifoInversions: number;
  powRequired: number;
  requests: number;
  requestsPerAdmitted: number;
  errorsByCode: Record<string, number>;
  latencyMs: Record<Endpoint, LatencySummary>;
  endpoints: Array<{ name: Endpoint } & LatencySummary>;
}

export class RehearsalError extends Error {
  override name = 'RehearsalError';
  constructor(
    readonly code: 'remote-target' | 'bad-target',
    message: string,
  ) {
    super(message);
  }
}

/** The API base of `target`, refused unless it is this machine or the operator allowed another host. */
export function rehearsalEndpoint(target: string, allowRemote = false): string {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new RehearsalError('bad-target', `--target must be a URL like http://127.0.0.1:8080, got "${target}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RehearsalError('bad-target', `--target must be http(s), got ${url.protocol}`);
  if (!allowRemote && !isLoopback(url.hostname)) {
    throw new RehearsalError('remote-target', `${url.host} is not this machine: a rehearsal sends real load, so name another host with --allow-remote`);
  }
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path === '' ? '/api/v1' : path}`;
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost') return true;
  try {
    return ipaddr.process(host).range() === 'loopback';
  } catch {
    return false;
  }
}

/** The plans of the pupils one process runs: every `count`-th pupil from `index`. */
export function pupilPlans(options: RehearsalOptions, startAt: number, index = 0, count = 1): PupilPlan[] {
  const o = { ...REHEARSAL_DEFAULTS, ...options };
  const endpoint = rehearsalEndpoint(o.target, o.allowRemote);
  const durationMs = o.minutes * 60_000;
  const plans: PupilPlan[] = [];
  for (let i = index; i < o.pupils; i += count) {
    // Deterministic per pupil: the same command replays the same arrivals and sessions.
    const seed = (o.seed * 1_000_003 + i) >>> 0;
    const [u, v] = [unit(seed, 1), unit(seed, 2)];
    plans.push({
      index: i,
      endpoint,
      room: `${o.roomPrefix}-${i % o.rooms}`,
      address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      arriveAt: startAt + durationMs * ARRIVAL_SHARE * triangular(u, ARRIVAL_PEAK),
      sessionMs: o.sessionSeconds * 1000 * (0.5 + v),
      heartbeatMs: o.heartbeatSeconds * 1000,
      endAt: startAt + durationMs,
      seed,
    });
  }
  return plans;
}

/** Runs a share of the pupils here; resolves with what they saw once all are done or the hard stop came. */
export async function runShare(plans: readonly PupilPlan[], tally: Tally, hardStopAt: number): Promise<void> {
  const stop = AbortSignal.timeout(Math.max(0, hardStopAt - Date.now()));
  // Every pupil's requests listen to it: thousands of listeners on purpose.
  setMaxListeners(0, stop);
  await Promise.all(plans.map((plan) => runPupil(plan, tally, stop)));
}

export async function rehearse(options: RehearsalOptions, onProgress?: (progress: Progress) => void): Promise<RehearsalReport> {
  const o = { ...REHEARSAL_DEFAULTS, ...options };
  rehearsalEndpoint(o.target, o.allowRemote);
  const startAt = Date.now() + 200;
  const durationMs = o.minutes * 60_000;
  const hardStopAt = startAt + durationMs + HARD_STOP_MARGIN_MS;
  const local = new Tally();
  const children = new Map<ChildProcess, TallySnapshot>();
  const progress = () => {
    const all = new Tally();
    all.merge(local.snapshot(false));
    for (const snapshot of children.values()) all.merge(snapshot);
    const errors = Object.values(all.errorsByCode).reduce((a, b) => a + b, 0);
    const { arrived, admitted, released, requests, placesLost } = all;
    onProgress?.({ elapsedMs: Date.now() - startAt, durationMs, arrived, admitted, released, requests, errors, placesLost });
  };
  const ticker = setInterval(progress, 1000);
  try {
    if (o.processes <= 1) {
      await runShare(pupilPlans(o, startAt), local, hardStopAt);
    } else {
      const snapshots = await Promise.all(Array.from({ length: o.processes }, (_, k) => runChild(o, startAt, hardStopAt, k, children)));
      for (const snapshot of snapshots) local.merge(snapshot);
    }
  } finally {
    clearInterval(ticker);
  }
  progress();
  return report(o, local, Date.now() - startAt);
}

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

function runChild(options: RehearsalOptions, startAt: number, hardStopAt: number, index: number, live: Map<ChildProcess, TallySnapshot>): Promise<TallySnapshot> {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [], { execArgv: ['--import', import.meta.resolve('tsx')], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    // A child that outlives the hard stop is cut: the rehearsal is bounded whatever the target does.
    const kill = setTimeout(() => child.kill('SIGKILL'), hardStopAt - Date.now() + 5000);
    let final: TallySnapshot | undefined;
    child.on('message', (message: { kind: 'progress' | 'done'; snapshot: TallySnapshot }) => {
      live.set(child, message.snapshot);
      if (message.kind === 'done') final = message.snapshot;
    });
    child.on('exit', (code) => {
      clearTimeout(kill);
      live.delete(child);
      if (final) resolve(final);
      else reject(new Error(`rehearsal process ${index} exited (${code}) without a report`));
    });
    child.send({ options, startAt, hardStopAt, index, count: options.processes });
  });
}

function report(o: RehearsalOptions & typeof REHEARSAL_DEFAULTS, tally: Tally, elapsedMs: number): RehearsalReport {
  const acks = tally.timelines.map((t) => t.joinAckAt).filter((at): at is number => at !== undefined);
  const windowS = acks.length > 1 ? (Math.max(...acks) - Math.min(...acks)) / 1000 : 0;
  const latencyMs = Object.fromEntries(ENDPOINTS.map((name) => [name, tally.latency[name].summary()])) as Record<Endpoint, LatencySummary>;
  return {
    target: rehearsalEndpoint(o.target, o.allowRemote),
    pupils: o.pupils,
    rooms: o.rooms,
    processes: o.processes,
    elapsedMs,
    arrived: tally.arrived,
    admitted: tally.admitted,
    released: tally.released,
    joinsPerSecond: windowS > 0 ? round(acks.length / windowS) : acks.length,
    placesLost: tally.placesLost,
    sessionsLost: tally.sessionsLost,
    fifoInversions: countFifoInversions(tally.timelines),
    powRequired: tally.powRequired,
    requests: tally.requests,
    requestsPerAdmitted: tally.admitted > 0 ? round(tally.requests / tally.admitted) : 0,
    errorsByCode: tally.errorsByCode,
    latencyMs,
    endpoints: ENDPOINTS.map((name) => ({ name, ...latencyMs[name] })),
  };
}

const round = (n: number) => Math.round(n * 100) / 100;

/** A uniform number in [0, 1) from a pupil's seed and a draw number (mulberry32's finaliser). */
function unit(seed: number, draw: number): number {
  let t = (seed + draw * 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** Inverse CDF of the triangular distribution on [0, 1] with its mode at `peak`. */
function triangular(u: number, peak: number): number {
  return u < peak ? Math.sqrt(u * peak) : 1 - Math.sqrt((1 - u) * (1 - peak));
}


