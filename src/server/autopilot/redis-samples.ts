/**
 * Samples shared across instances through Redis. Each instance adds its pupils' reports and probe answers
 * to a local window, and publishes each slice's new counts with HINCRBY into one hash per slice (buckets
 * `b<i>`, weight `w`, errors `e`, timeouts `t`); the leader reads the window's slices and merges them. A
 * histogram merges by addition, so the shared window equals the window of all the instances' pages.
 * Keys carry a hash tag per room and source: in a Cluster, a window's slices live on one node.
 */
import type { Redis, Cluster } from 'ioredis';
import { BUCKET_COUNT, FIRST_PAGE_WEIGHT, PUPIL_REPORT_INTERVAL_MS, SampleWindow, emptyHistogram, summarize, type Histogram, type PageSample, type SignalSummary } from './samples.js';
import { LuaScript } from '../stores/lua-script.js';

type Client = Redis | Cluster;

export class RedisSamples {
  private readonly local: SampleWindow;

  constructor(
    private readonly client: Client,
    private readonly room: string,
    private readonly source: 'pupils' | 'probe',
    readonly sliceMs: number,
    readonly windowMs: number,
  ) {
    this.local = new SampleWindow(sliceMs, windowMs);
  }

  add(sample: PageSample, now: number, weight = 1): void {
    this.local.add(sample, now, weight);
  }

  private key(sliceStart: number): string {
    return `antichambre:{autopilot:${this.room}:${this.source}}:${sliceStart}`;
  }

  /** Sends what this instance gathered since the last publish; call once a second. */
  async publish(): Promise<void> {
    const slices = this.local.slicesSince(-Infinity);
    if (slices.length === 0) return;
    const pipeline = this.client.pipeline();
    for (const [start, histogram] of slices) {
      const key = this.key(start);
      histogram.buckets.forEach((count, i) => count > 0 && pipeline.hincrby(key, `b${i}`, count));
      pipeline.hincrby(key, 'w', histogram.weight);
      if (histogram.errorWeight > 0) pipeline.hincrby(key, 'e', histogram.errorWeight);
      if (histogram.timeoutWeight > 0) pipeline.hincrby(key, 't', histogram.timeoutWeight);
      pipeline.pexpire(key, this.windowMs + 2 * this.sliceMs);
    }
    await pipeline.exec();
    this.local.clear();
  }

  /** The window of every instance's pages (the leader's view). */
  async window(now: number): Promise<SampleWindow> {
    const first = Math.floor((now - this.windowMs) / this.sliceMs) * this.sliceMs;
    const starts: number[] = [];
    for (let start = first; start <= now; start += this.sliceMs) starts.push(start);
    const pipeline = this.client.pipeline();
    for (const start of starts) pipeline.hgetall(this.key(start));
    const replies = (await pipeline.exec()) ?? [];
    const window = new SampleWindow(this.sliceMs, this.windowMs);
    replies.forEach(([error, fields], i) => {
      if (!error && fields && Object.keys(fields).length > 0) window.mergeSlice(starts[i], histogramOf(fields as Record<string, string>));
    });
    return window;
  }
}

/**
 * Once a minute per ticket, and the first page's double weight once per ticket, across every instance:
 * without it a pupil's heartbeats spread over 3 instances by the load balancer voted 3 times a minute.
 * KEYS: the ticket's last-report and first-page marks (one hash tag: one Cluster slot).
 * Returns 0 (too soon), 1, or 2 when this is the first report the room counts from the ticket.
 */
const ADMIT_REPORT = new LuaScript(`
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return 0 end
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[2]) then return 2 end
return 1
`);

export class RedisReportGate {
  /**
   * @param firstPageMemoryMs how long a ticket's first page is remembered: a school day (the longest
   *   session, maxSession's default of 10 h), after which the ticket has ended anyway.
   */
  constructor(
    private readonly client: Client,
    private readonly room: string,
    private readonly firstPageMemoryMs = 10 * 3_600_000,
  ) {}

  /** The weight this report gets (0: too soon), as PupilSamples.admit but shared by every instance. */
  async admit(ticket: string, firstPage: boolean | undefined): Promise<number> {
    const tag = `{autopilot:${this.room}:report:${ticket}}`;
    const marks = [`antichambre:${tag}:last`, `antichambre:${tag}:first`];
    const answer = Number(await ADMIT_REPORT.run(this.client, marks, [PUPIL_REPORT_INTERVAL_MS, this.firstPageMemoryMs]));
    if (answer === 2) return firstPage ? FIRST_PAGE_WEIGHT : 1;
    return answer;
  }
}

/** A signal source for the runner: the shared window, trimmed for pupils (see samples.ts). */
export const sharedSignal = (samples: RedisSamples, trimShare = 0) => ({
  summary: async (now: number, since?: number): Promise<SignalSummary> => summarize((await samples.window(now)).histogram(now, since), trimShare),
});

function histogramOf(fields: Record<string, string>): Histogram {
  const histogram = emptyHistogram();
  for (let i = 0; i < BUCKET_COUNT; i++) histogram.buckets[i] = Number(fields[`b${i}`] ?? 0);
  histogram.weight = Number(fields.w ?? 0);
  histogram.errorWeight = Number(fields.e ?? 0);
  histogram.timeoutWeight = Number(fields.t ?? 0);
  return histogram;
}
