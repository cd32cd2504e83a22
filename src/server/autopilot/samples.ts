/**
 * The autopilot's evidence: page timings in windowed, mergeable histograms. A histogram is plain counts in
 * fixed log-spaced buckets, so two instances' histograms merge by adding arrays (Redis: HINCRBY per bucket),
 * and a percentile costs one pass over 180 numbers whatever the crowd. Time is cut into slices; a window is
 * the sum of the slices it covers, and `since` lets the law count only evidence gathered after its last
 * change (a decision is judged by what happened after it, not before).
 */

/**
 * Bucket i holds latencies up to FIRST_BOUND_MS · GROWTH^i: 5 ms … ~160 s in 180 buckets, 6 % wide. With
 * 18 % buckets the readings near a 1-s target were 846, 998 or 1 178 ms, so the law's 15 % hold band held
 * one bucket and the room see-sawed between ramp and cut.
 */
const FIRST_BOUND_MS = 5;
const GROWTH = 1.06;
export const BUCKET_COUNT = 180;
const BOUNDS_MS = Array.from({ length: BUCKET_COUNT }, (_, i) => FIRST_BOUND_MS * GROWTH ** i);

export interface PageSample {
  /** Server time of the page: responseStart − requestStart, or the probe's wall time. */
  latencyMs: number;
  /** An error status (≥ 500) or a network failure. */
  error: boolean;
  /** The probe gave up waiting (counts as an error and as a latency at the timeout). */
  timeout?: boolean;
}

/** Weighted counts; `weight` is the sum of bucket counts. Mergeable by addition. */
export interface Histogram {
  buckets: number[];
  weight: number;
  errorWeight: number;
  timeoutWeight: number;
}

export const emptyHistogram = (): Histogram => ({ buckets: new Array<number>(BUCKET_COUNT).fill(0), weight: 0, errorWeight: 0, timeoutWeight: 0 });

export function bucketOf(latencyMs: number): number {
  if (!(latencyMs > FIRST_BOUND_MS)) return 0;
  return Math.min(BUCKET_COUNT - 1, Math.ceil(Math.log(latencyMs / FIRST_BOUND_MS) / Math.log(GROWTH)));
}

export function addSample(histogram: Histogram, sample: PageSample, weight = 1): void {
  histogram.buckets[bucketOf(sample.latencyMs)] += weight;
  histogram.weight += weight;
  if (sample.error || sample.timeout) histogram.errorWeight += weight;
  if (sample.timeout) histogram.timeoutWeight += weight;
}

export function mergeInto(target: Histogram, other: Histogram): Histogram {
  for (let i = 0; i < BUCKET_COUNT; i++) target.buckets[i] += other.buckets[i] ?? 0;
  target.weight += other.weight;
  target.errorWeight += other.errorWeight;
  target.timeoutWeight += other.timeoutWeight;
  return target;
}

/**
 * The q-quantile (upper bucket bound) after dropping the top `trimShare` of the weight. Trimming the top
 * 10 % then taking p95 reads the honest crowd's ~p95 even when 5 % of reporters lie with 60-s pages
 * (their weight sits entirely in the trimmed tail; see test/server/autopilot/samples.test.ts), at the cost
 * of not seeing a genuine slow tail under 10 % from pupils alone: the probe, which nobody can forge, sees it.
 */
export function quantileMs(histogram: Histogram, q: number, trimShare = 0): number {
  const kept = histogram.weight * (1 - trimShare);
  if (kept <= 0) return 0;
  const rank = kept * q;
  let seen = 0;
  for (let i = 0; i < BUCKET_COUNT; i++) {
    seen += histogram.buckets[i];
    if (seen >= rank) return Math.round(BOUNDS_MS[i]);
  }
  return Math.round(BOUNDS_MS[BUCKET_COUNT - 1]);
}

/**
 * Share of weight in error, with the same trim taken from the errors first: liars claiming failures are
 * assumed to be at most `trimShare` of the weight, so that much error weight is not believed.
 */
export function errorShare(histogram: Histogram, trimShare = 0): number {
  if (histogram.weight <= 0) return 0;
  const trimmed = histogram.weight * trimShare;
  return Math.max(0, histogram.errorWeight - trimmed) / (histogram.weight - trimmed);
}

export interface SignalSummary {
  /** Weight of the evidence (samples, first pages counting double for pupils). */
  samples: number;
  p95Ms: number;
  errorShare: number;
  timeoutShare: number;
}

export function summarize(histogram: Histogram, trimShare = 0): SignalSummary {
  return {
    samples: histogram.weight,
    p95Ms: quantileMs(histogram, 0.95, trimShare),
    errorShare: errorShare(histogram, trimShare),
    timeoutShare: histogram.weight > 0 ? histogram.timeoutWeight / histogram.weight : 0,
  };
}

/** A ring of time slices, each a histogram; the sum of the recent ones is the window. */
export class SampleWindow {
  private readonly slices = new Map<number, Histogram>();

  constructor(
    readonly sliceMs: number,
    readonly windowMs: number,
  ) {}

  add(sample: PageSample, now: number, weight = 1): void {
    addSample(this.sliceAt(now), sample, weight);
  }

  /** Adds another instance's slice (for the Redis-shared windows). */
  mergeSlice(sliceStart: number, histogram: Histogram): void {
    mergeInto(this.sliceAt(sliceStart), histogram);
  }

  /** Slices overlapping the window and started at or after `since`, merged. */
  histogram(now: number, since = -Infinity): Histogram {
    const merged = emptyHistogram();
    for (const [start, slice] of this.slices) {
      if (start + this.sliceMs <= now - this.windowMs) this.slices.delete(start);
      else if (start >= since) mergeInto(merged, slice);
    }
    return merged;
  }

  /** The slices that started at or after `since`, for publishing to other instances. */
  slicesSince(since: number): Array<[number, Histogram]> {
    return [...this.slices].filter(([start]) => start >= since);
  }

  /** Forgets every slice (after publishing them elsewhere). */
  clear(): void {
    this.slices.clear();
  }

  private sliceAt(time: number): Histogram {
    const start = Math.floor(time / this.sliceMs) * this.sliceMs;
    let slice = this.slices.get(start);
    if (!slice) this.slices.set(start, (slice = emptyHistogram()));
    return slice;
  }
}

/** Pupils' reports: at most one a minute per ticket; the first page after admission weighs 2, others 1. */
export const PUPIL_REPORT_INTERVAL_MS = 60_000;
export const FIRST_PAGE_WEIGHT = 2;
/** Share of the pupils' weight never believed at the top: see quantileMs. */
export const PUPIL_TRIM_SHARE = 0.1;

export const PupilReportOutcome = { COUNTED: 'counted', TOO_SOON: 'too-soon', INVALID: 'invalid' } as const;
export type PupilReportOutcome = (typeof PupilReportOutcome)[keyof typeof PupilReportOutcome];

/** Tickets whose first page was counted, remembered this many at most (~60 B each: 60 MB at the cap). */
const FIRST_PAGES_REMEMBERED = 1_000_000;

/**
 * Pupils' page timings. The caller has already checked the ticket is admitted and its credential valid;
 * here each ticket's weight is bounded (one report a minute, weight ≤ 2) so a ticket cannot vote twice.
 * The double weight of a first page is the server's to give, not the client's to claim: only a ticket's
 * first report counted here may weigh 2. Trusting `firstPage` on every report let 8 % of tickets weigh
 * 16 % and cut the room (test/server/autopilot/samples.test.ts).
 */
export class PupilSamples {
  readonly window: SampleWindow;
  private readonly lastReportAt = new Map<string, number>();
  private readonly firstPageCounted = new Set<string>();

  constructor(windowMs = 60_000, sliceMs = 5_000) {
    this.window = new SampleWindow(sliceMs, windowMs);
  }

  /**
   * The weight a report from `ticket` gets at `now`: 0 within a minute of its last one, 2 for its first
   * page (claimed by the client AND the first report the server counts), otherwise 1.
   */
  admit(ticket: string, firstPage: boolean | undefined, now: number): number {
    const last = this.lastReportAt.get(ticket);
    if (last !== undefined && now - last < PUPIL_REPORT_INTERVAL_MS) return 0;
    this.lastReportAt.set(ticket, now);
    if (this.lastReportAt.size > 200_000) this.forgetBefore(now - PUPIL_REPORT_INTERVAL_MS);
    if (this.firstPageCounted.has(ticket)) return 1;
    this.firstPageCounted.add(ticket);
    if (this.firstPageCounted.size > FIRST_PAGES_REMEMBERED) this.firstPageCounted.delete(this.firstPageCounted.values().next().value as string);
    return firstPage ? FIRST_PAGE_WEIGHT : 1;
  }

  /** Counts a report with the weight `admit` gives (or `weight`, already given by a shared gate). */
  report(ticket: string, sample: PageSample & { firstPage?: boolean }, now: number, weight?: number): PupilReportOutcome {
    if (!validLatency(sample.latencyMs)) return PupilReportOutcome.INVALID;
    const given = weight ?? this.admit(ticket, sample.firstPage, now);
    if (given <= 0) return PupilReportOutcome.TOO_SOON;
    this.window.add(cappedSample(sample), now, given);
    return PupilReportOutcome.COUNTED;
  }

  summary(now: number, since?: number): SignalSummary {
    return summarize(this.window.histogram(now, since), PUPIL_TRIM_SHARE);
  }

  private forgetBefore(time: number): void {
    for (const [ticket, at] of this.lastReportAt) if (at < time) this.lastReportAt.delete(ticket);
  }
}

export const validLatency = (latencyMs: number): boolean => Number.isFinite(latencyMs) && latencyMs >= 0;

/** Capped at the longest bucket so a claimed hour weighs like two minutes: a liar's sample is one vote. */
export const cappedSample = (sample: PageSample): PageSample => ({ latencyMs: Math.min(sample.latencyMs, 120_000), error: sample.error });
