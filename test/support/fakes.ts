/** Test doubles for core: a manual clock, a scripted queue client, status builders. */
import type { Clock } from '../../src/core/wait/clock.js';
import type { QueueClient, QueueOutcome } from '../../src/core/wait/queue-client.js';
import type { TicketStatus } from '../../src/core/protocol/protocol.js';

/** Lets every pending promise chain settle (they do not depend on I/O in these tests). */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

export class FakeClock implements Clock {
  time = 1_700_000_000_000;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;
  now = () => this.time;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, fn });
    return id;
  };
  clearTimeout = (handle: unknown) => void this.timers.delete(handle as number);
  get pending() {
    return this.timers.size;
  }
  /** Moves time forward, firing due timers in order and letting promises settle in between. */
  async advance(ms: number) {
    const end = this.time + ms;
    for (;;) {
      await settle();
      const due = [...this.timers].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
    }
    this.time = end;
    await settle();
  }
}

export function status(overrides: Partial<TicketStatus> = {}): TicketStatus {
  return {
    id: 'ticket-0001',
    room: 'college-test',
    state: 'waiting',
    position: 5,
    ahead: 4,
    etaSeconds: 300,
    etaLowSeconds: 240,
    etaHighSeconds: 360,
    pollAfterMs: 5_000,
    serverTime: '2026-01-05T07:55:00.000Z',
    ...overrides,
  };
}

export const ok = (value: TicketStatus, httpStatus = 200): QueueOutcome<TicketStatus> => ({ kind: 'ok', httpStatus, value });

/** A queue client answering from a script; the last entry of each list repeats. 'hang' answers only an abort. */
type Scripted = QueueOutcome<TicketStatus> | 'hang';
export class ScriptedClient implements QueueClient {
  calls: Array<{ op: 'join' | 'status'; key?: string; id?: string; ticket?: string }> = [];
  constructor(
    public joins: Scripted[],
    public statuses: Scripted[] = [],
  ) {}
  private next(list: Scripted[], signal?: AbortSignal): Promise<QueueOutcome<TicketStatus>> {
    const next = list.length > 1 ? list.shift()! : list[0];
    if (next !== 'hang') return Promise.resolve(next);
    return new Promise((resolve) => signal?.addEventListener('abort', () => resolve({ kind: 'aborted' })));
  }
  join(key: string, signal?: AbortSignal) {
    this.calls.push({ op: 'join', key });
    return this.next(this.joins, signal);
  }
  status(id: string, ticket: string, signal?: AbortSignal) {
    this.calls.push({ op: 'status', id, ticket });
    return this.next(this.statuses, signal);
  }
  count(op: 'join' | 'status') {
    return this.calls.filter((c) => c.op === op).length;
  }
}
