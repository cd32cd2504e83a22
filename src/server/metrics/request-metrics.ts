/**
 * The per-route request counter and latency histogram of /metrics, kept in plain arrays and handed to
 * prom-client only at scrape time. prom-client's own Counter and Histogram hash the label object on
 * every `inc`/`observe`, child objects included: ~6 µs of a ~60 µs status poll on the benchmark
 * machine. Here a request costs a Map lookup (by a short string key) and a bucket scan. The exposition
 * text is the one prom-client's Counter and Histogram would give (same names, labels, `le` first).
 */
import type { Registry } from 'prom-client';

/** One series: a method, route pattern and status (the histogram ignores the status). */
export interface RequestSeries {
  observe(seconds: number): void;
}

interface Counted {
  method: string;
  route: string;
  status: string;
  count: number;
}

interface Timed {
  method: string;
  route: string;
  /** Per bucket, not cumulative; one more than `buckets` for +Inf. */
  buckets: number[];
  sum: number;
  count: number;
}

/** What prom-client's Registry reads from a metric (`get()`), for a metric it did not make itself. */
interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

export class RequestMetrics {
  private readonly counts = new Map<string, Counted>();
  private readonly timings = new Map<string, Timed>();
  private readonly series = new Map<string, RequestSeries>();

  constructor(
    registry: Registry,
    private readonly names: { requests: string; requestsHelp: string; latency: string; latencyHelp: string },
    private readonly buckets: readonly number[],
  ) {
    registry.registerMetric(this.metric(names.requests, names.requestsHelp, 'counter', () => this.countValues()) as never);
    registry.registerMetric(this.metric(names.latency, names.latencyHelp, 'histogram', () => this.timingValues()) as never);
  }

  /** The series of these labels, made once and cached (routes are patterns: a few dozen at most). */
  of(method: string, route: string, status: number): RequestSeries {
    const key = `${method} ${route} ${status}`;
    let series = this.series.get(key);
    if (series !== undefined) return series;
    const timingKey = `${method} ${route}`;
    const counted: Counted = { method, route, status: String(status), count: 0 };
    let timed = this.timings.get(timingKey);
    if (timed === undefined) {
      timed = { method, route, buckets: new Array<number>(this.buckets.length + 1).fill(0), sum: 0, count: 0 };
      this.timings.set(timingKey, timed);
    }
    this.counts.set(key, counted);
    const bounds = this.buckets;
    const t = timed;
    series = {
      observe(seconds: number): void {
        counted.count++;
        let i = 0;
        while (i < bounds.length && seconds > bounds[i]!) i++;
        t.buckets[i]!++;
        t.sum += seconds;
        t.count++;
      },
    };
    this.series.set(key, series);
    return series;
  }

  private metric(name: string, help: string, type: 'counter' | 'histogram', values: () => MetricValue[]) {
    return { name, help, type, aggregator: 'sum', get: async () => ({ name, help, type, aggregator: 'sum', values: values() }) };
  }

  private countValues(): MetricValue[] {
    return [...this.counts.values()].map(({ method, route, status, count }) => ({ labels: { method, route, status }, value: count }));
  }

  private timingValues(): MetricValue[] {
    const values: MetricValue[] = [];
    for (const { method, route, buckets, sum, count } of this.timings.values()) {
      let cumulative = 0;
      this.buckets.forEach((le, i) => {
        cumulative += buckets[i]!;
        values.push({ labels: { le, method, route }, value: cumulative, metricName: `${this.names.latency}_bucket` });
      });
      values.push({ labels: { le: '+Inf', method, route }, value: count, metricName: `${this.names.latency}_bucket` });
      values.push({ labels: { method, route }, value: sum, metricName: `${this.names.latency}_sum` });
      values.push({ labels: { method, route }, value: count, metricName: `${this.names.latency}_count` });
    }
    return values;
  }
}
