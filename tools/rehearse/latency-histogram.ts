/**
 * Latencies as counts in log-spaced buckets (2 % wide): percentiles to ±1 %, in a few hundred numbers
 * whatever the run's length, and two histograms from two processes merge by adding counts.
 */
const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/** Plain data, so a child process can send it over IPC. */
export type LatencyCounts = Record<string, number>;

export class LatencyHistogram {
  readonly counts: LatencyCounts = {};
  count = 0;

  record(ms: number): void {
    const bucket = ms <= 0.1 ? -1 : Math.floor(Math.log(ms / 0.1) / LOG_GROWTH);
    this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
    this.count += 1;
  }

  merge(counts: LatencyCounts): void {
    for (const [bucket, n] of Object.entries(counts)) {
      this.counts[bucket] = (this.counts[bucket] ?? 0) + n;
      this.count += n;
    }
  }

  /** The upper edge of the bucket holding the q-th sample (a slight over-estimate, never an under-estimate). */
  percentile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (const bucket of Object.keys(this.counts).map(Number).sort((a, b) => a - b)) {
      seen += this.counts[bucket]!;
      if (seen >= rank) return bucket < 0 ? 0.1 : Math.round(0.1 * GROWTH ** (bucket + 1) * 10) / 10;
    }
    return 0;
  }

  summary(): LatencySummary {
    return { count: this.count, p50Ms: this.percentile(0.5), p95Ms: this.percentile(0.95), p99Ms: this.percentile(0.99) };
  }
}
