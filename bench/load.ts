/**
 * Loopback load with autocannon, bounded in time. Several targets (instances behind a load balancer)
 * get their share of the connections each, run at once, and their results are summed.
 */
import autocannon, { type Request } from 'autocannon';

export interface LoadResult {
  reqPerSec: number;
  p99Ms: number;
  /** Connection errors, timeouts and non-2xx answers. */
  errors: number;
}

export interface LoadOptions {
  /** Origins to load, e.g. http://127.0.0.1:41234; loopback only. */
  origins: readonly string[];
  seconds: number;
  connections: number;
  /** Makes each request: path, method, headers, body. */
  request: () => Request;
}

export async function load({ origins, seconds, connections, request }: LoadOptions): Promise<LoadResult> {
  for (const origin of origins) {
    if (new URL(origin).hostname !== '127.0.0.1') throw new Error(`refusing to load ${origin}: the benchmark only targets 127.0.0.1`);
  }
  const share = Math.max(1, Math.floor(connections / origins.length));
  const runs = origins.map(
    (url) =>
      new Promise<autocannon.Result>((resolve, reject) => {
        const instance = autocannon(
          { url, connections: share, duration: seconds, timeout: 10, requests: [{ setupRequest: (base) => ({ ...base, headers: {}, ...request() }) }] },
          (error, result) => (error ? reject(error) : resolve(result)),
        );
        // autocannon stops at `duration`; this is a second fence in case a server stops answering.
        const fence = setTimeout(() => instance.stop(), (seconds + 15) * 1000);
        instance.on('done', () => clearTimeout(fence));
      }),
  );
  const results = await Promise.all(runs);
  return {
    reqPerSec: results.reduce((sum, r) => sum + r.requests.total / r.duration, 0),
    p99Ms: Math.max(...results.map((r) => r.latency.p99)),
    errors: results.reduce((sum, r) => sum + r.errors + r.timeouts + r.non2xx, 0),
  };
}
