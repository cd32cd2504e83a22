/**
 * "Le serveur tombe en panne 30 s" on the teachers' page: for a while, the queue API answers 503 to
 * browsers asking about one demo room, as a crashed or overloaded server would. It sits in front of the
 * whole server (`startServer`'s `intercept`, before the status fast path, which stays on), so the real
 * routes stay untouched; requests served in process (the simulated pupils) do not pass through it, and
 * other rooms never notice.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody } from '../../src/server/http/errors.js';

export class DemoOutages {
  private readonly until = new Map<string, number>();
  private readonly roomPath: RegExp;

  constructor(
    apiPath: string,
    private readonly now: () => number = Date.now,
  ) {
    this.roomPath = new RegExp(`^${apiPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/rooms/([a-z0-9-]{1,64})(?:/|$)`);
  }

  /** Takes the room's API down for `ms` from now. */
  start(room: string, ms: number): void {
    this.until.set(room, this.now() + ms);
  }

  /** Milliseconds the room's outage still lasts; 0 when its API is up. */
  remainingMs(room: string): number {
    const end = this.until.get(room);
    if (end === undefined) return 0;
    const left = end - this.now();
    if (left > 0) return left;
    this.until.delete(room);
    return 0;
  }

  end(room: string): void {
    this.until.delete(room);
  }

  /**
   * Answers a request for a room that is down (true), or returns false to let the server answer it.
   * `Retry-After` is the time left, as a server in maintenance would say: the widget comes back once
   * the outage is over rather than backing off for minutes.
   */
  readonly intercept = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (this.until.size === 0 || req.method === 'OPTIONS') return false;
    const room = this.roomPath.exec(new URL(req.url ?? '/', 'http://localhost').pathname)?.[1];
    const left = room === undefined ? 0 : this.remainingMs(room);
    if (left === 0) return false;
    const body = JSON.stringify(errorBody('unavailable', 'The queue server is down (simulated outage on the demo page).'));
    res.writeHead(503, { 'content-type': 'application/json', 'cache-control': 'no-store', 'retry-after': String(Math.ceil(left / 1000)) });
    res.end(body);
    return true;
  };
}
