/**
 * `GET /metrics` in Prometheus format.
 *
 * Two kinds of series, aggregated differently:
 * - room series (room-metrics.ts: `antichambre_room_*`, `antichambre_rooms`, `antichambre_admissions_total`,
 *   `antichambre_expirations_total`) are read from the store, per named room plus `room="_other"`, at a
 *   cost that does not grow with the number of rooms. With Redis every instance reports the same
 *   room-wide numbers: aggregate them with `max by (room)`, not `sum`.
 * - request series (`antichambre_http_*`) count what this instance served: `sum` them.
 *
 * Routes are labelled by their pattern (`/api/v1/rooms/:room/tickets`), never the raw path: one series
 * per route, not one per ticket id.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { RequestMetrics } from './request-metrics.js';
import { RoomMetrics, type RoomMetricsOptions } from './room-metrics.js';

/**
 * Rendering the text costs ~1 ms (a hundred request series); a scrape loop on the main port would queue
 * pupils' polls behind it. Prometheus scrapes every 15 s or so: a second-old text changes nothing for it.
 */
const TEXT_TTL_MS = 1000;

export interface MetricsOptions extends Omit<RoomMetricsOptions, 'onRead'> {
  /** Also export the process's CPU, memory, event-loop lag (off in tests: it starts timers). */
  processMetrics?: boolean;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly requests = new RequestMetrics(
    this.registry,
    {
      requests: 'antichambre_http_requests_total',
      requestsHelp: 'HTTP requests served by this instance, by method, route pattern and status.',
      latency: 'antichambre_http_request_duration_seconds',
      latencyHelp: 'Time to answer an HTTP request on this instance, by method and route pattern.',
    },
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  );
  private readonly rooms: RoomMetrics;
  /** The last exposition text: a scrape loop gets it again for TEXT_TTL_MS instead of a new rendering each time. */
  private text: { body: string; at: number } | null = null;

  constructor(private readonly options: MetricsOptions) {
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'antichambre_' });
    this.rooms = new RoomMetrics(this.registry, { ...options, onRead: () => (this.text = null) });
  }

  /** Gives a room its own series (an admin configured it); see room-metrics.ts. */
  nameRoom(room: string): void {
    this.rooms.nameRoom(room);
  }

  /** Times every request; must be the first middleware so that it sees CORS, limits and errors too. */
  middleware(): MiddlewareHandler {
    return async (c, next) => {
      const start = performance.now();
      try {
        await next();
      } finally {
        this.record(c.req.method, routeLabel(c), c.res.status, start);
      }
    };
  }

  /**
   * Counts a request under its method, route pattern and status; the status fast path
   * (status-fast-path.ts) calls it too, so both paths feed the same series. `start` is from performance.now().
   */
  record(method: string, route: string, status: number, start: number): void {
    this.requests.of(method, route, status).observe((performance.now() - start) / 1000);
  }

  /** The exposition text: room series from the last reading of the store (room-metrics.ts). */
  async exposition(): Promise<{ contentType: string; body: string }> {
    await this.rooms.beforeScrape();
    const now = this.options.now();
    if (this.text === null || now - this.text.at >= TEXT_TTL_MS || now < this.text.at) {
      this.text = { body: await this.registry.metrics(), at: now };
    }
    return { contentType: this.registry.contentType, body: this.text.body };
  }
}

/** The pattern of the route that answered; `unmatched` for 404s and preflights (raw paths are unbounded). */
function routeLabel(c: Context): string {
  // Middleware is registered for every method ("ALL"); a route handler for one. The last one answered.
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const route = routes[i]!;
    if (route.method !== 'ALL') return route.path;
  }
  return 'unmatched';
}
