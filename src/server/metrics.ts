/**
 * `GET /metrics` in Prometheus format.
 *
 * Two kinds of series, aggregated differently:
 * - room series (`antichambre_room_*`, `antichambre_admissions_total`, `antichambre_expirations_total`)
 *   are read from the store at scrape time. With Redis every instance reports the same room-wide
 *   numbers: aggregate them with `max by (room)`, not `sum`.
 * - request series (`antichambre_http_*`) count what this instance served: `sum` them.
 *
 * Routes are labelled by their pattern (`/api/v1/rooms/:room/tickets`), never the raw path: one series
 * per route, not one per ticket id.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { RequestMetrics } from './request-metrics.js';
import type { Store } from './stores/store.js';

export interface MetricsOptions {
  store: Store;
  now: () => number;
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
  private readonly room = {
    waiting: this.roomGauge('antichambre_room_waiting', 'Pupils waiting in line (pre-queue included).'),
    active: this.roomGauge('antichambre_room_active', 'Admitted sessions holding a seat.'),
    capacity: this.roomGauge('antichambre_room_capacity', 'Seats: max admitted sessions at once.'),
    open: this.roomGauge('antichambre_room_open', '1 when admissions are open, 0 when paused.'),
  };
  private readonly admissions = new Counter({
    name: 'antichambre_admissions_total',
    help: 'Pupils admitted since the room was created (room-wide, from the store).',
    labelNames: ['room'] as const,
    registers: [this.registry],
  });
  private readonly expirations = new Counter({
    name: 'antichambre_expirations_total',
    help: 'Tickets that expired since the room was created, by the state they were in (room-wide, from the store).',
    labelNames: ['room', 'state'] as const,
    registers: [this.registry],
  });

  constructor(private readonly options: MetricsOptions) {
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'antichambre_' });
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

  /** The exposition text, room series freshly read from the store. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    await this.readRooms();
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private async readRooms(): Promise<void> {
    const rooms = await this.options.store.listRooms(this.options.now());
    // Reset first: a room that disappeared must not linger with its last value.
    for (const series of [...Object.values(this.room), this.admissions, this.expirations]) series.reset();
    for (const snapshot of rooms) {
      const room = snapshot.room;
      this.room.waiting.set({ room }, snapshot.waiting);
      this.room.active.set({ room }, snapshot.active);
      this.room.capacity.set({ room }, snapshot.settings.capacity);
      this.room.open.set({ room }, snapshot.settings.open ? 1 : 0);
      const totals = snapshot.totals;
      if (!totals) continue; // this store does not count: no series rather than a false 0
      this.admissions.inc({ room }, totals.admitted);
      this.expirations.inc({ room, state: 'waiting' }, totals.expiredWaiting);
      this.expirations.inc({ room, state: 'admitted' }, totals.expiredSessions);
    }
  }

  private roomGauge(name: string, help: string): Gauge<'room'> {
    return new Gauge({ name, help, labelNames: ['room'] as const, registers: [this.registry] });
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
