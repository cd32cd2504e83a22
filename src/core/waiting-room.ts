/**
 * The framework-free runner of one pupil's wait: load or make the stored ticket, join, poll, and report
 * plain-data snapshots. A controller (or a simulator) drives it with start()/stop().
 *
 * Invariant: a failed request never loses the stored ticket. Only the server ends it (410, "released",
 * 401 on a credential it no longer accepts, or its own "ticket-not-found").
 */
import type { Admission, TicketStatus } from './protocol.js';
import type { AntichambreErrorCode } from './errors.js';
import { systemClock, type Clock, type Random } from './clock.js';
import { createQueueClient, isAnswer, type QueueClient, type QueueFailure, type QueueOutcome } from './queue-client.js';
import { createTicketStore, type StoredTicket, type TicketStore } from './ticket-store.js';
import { delayAfterFailure, delayAfterSuccess } from './poll-delay.js';
import { makeJoinKey } from './join-key.js';
import { sleep } from './sleep.js';

export const Phase = {
  JOINING: 'joining',
  WAITING: 'waiting',
  ADMITTED: 'admitted',
  /** Requests fail; the place (if any) is kept and we retry at retryAt. */
  RECONNECTING: 'reconnecting',
  /** The server ended the ticket; the UI offers to rejoin with a new key. */
  EXPIRED: 'expired',
  /** The API never answered and the ENT chose when-unreachable="open": the pupil goes through. */
  UNREACHABLE_OPEN: 'unreachable-open',
  /** The server refuses our requests themselves (other 4xx); retried slowly, probably misconfigured. */
  ERROR: 'error',
} as const;
export type Phase = (typeof Phase)[keyof typeof Phase];

export interface WaitingRoomSnapshot {
  readonly phase: Phase;
  readonly ticketId?: string;
  /** Last status the server gave during this run. */
  readonly status?: TicketStatus;
  readonly joinPosition?: number;
  readonly admission?: Admission;
  /** Clock time of the next try after a failure. */
  readonly retryAt?: number;
  /** Clock time of the last status the server gave. */
  readonly lastUpdate?: number;
  readonly failures: number;
  readonly code?: AntichambreErrorCode;
}

export type WhenUnreachable = 'wait' | 'open';

export interface WaitingRoomOptions {
  endpoint: string;
  room: string;
  whenUnreachable?: WhenUnreachable;
  /** Failed tries without any HTTP answer before the API counts as unreachable. */
  unreachableAfter?: number;
  onChange?: (snapshot: WaitingRoomSnapshot) => void;
  client?: QueueClient;
  store?: TicketStore;
  clock?: Clock;
  random?: Random;
  makeKey?: () => string;
  warn?: (message: string) => void;
}

export class WaitingRoom {
  private current: WaitingRoomSnapshot = { phase: Phase.JOINING, failures: 0 };
  private run?: AbortController;
  private readonly client: QueueClient;
  private readonly store: TicketStore;
  private readonly clock: Clock;

  constructor(private readonly options: WaitingRoomOptions) {
    this.clock = options.clock ?? systemClock;
    this.client = options.client ?? createQueueClient({ endpoint: options.endpoint, room: options.room, clock: this.clock });
    this.store = options.store ?? createTicketStore(options.endpoint, options.room, { now: () => this.clock.now() });
  }

  get snapshot(): WaitingRoomSnapshot {
    return this.current;
  }

  /** (Re)starts the loop; a previous run is aborted and its late results are dropped. */
  start(): void {
    this.stop();
    const run = (this.run = new AbortController());
    this.loop(run.signal).catch((error: unknown) => {
      // Only a storage failure inside the fallback itself can land here; keep the pupil informed and retrying.
      if (!run.signal.aborted) this.options.warn?.(`antichambre: ${String(error)}`);
    });
  }

  stop(): void {
    this.run?.abort();
    this.run = undefined;
  }

  /** After an expiry: forget the dead ticket (if still stored) and join again with a new key. */
  async rejoin(): Promise<void> {
    this.stop();
    const stored = await this.store.read();
    if (stored) await this.store.clear(stored.key);
    this.start();
  }

  private emit(signal: AbortSignal, next: WaitingRoomSnapshot): void {
    if (signal.aborted) return;
    this.current = next;
    this.options.onChange?.(next);
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const { whenUnreachable = 'wait', unreachableAfter = 4, random = Math.random, warn = console.warn } = this.options;
    const clock = this.clock;
    let stored: StoredTicket = await this.store.ensure(this.options.makeKey ?? makeJoinKey);
    if (signal.aborted) return;

    // An admission still valid (reload after getting in) needs no request at all.
    if (stored.admission && Date.parse(stored.admission.expiresAt) > clock.now()) {
      return this.emit(signal, { phase: Phase.ADMITTED, ticketId: stored.id, admission: stored.admission, failures: 0 });
    }
    // A ticket that already got in once belongs to a past session: if the server says it is over,
    // start a fresh wait silently rather than tell the pupil "your place expired".
    const pastSession = stored.admission !== undefined;
    let snap: WaitingRoomSnapshot = { phase: Phase.JOINING, ticketId: stored.id, joinPosition: stored.joinPosition, failures: 0 };
    this.emit(signal, snap);
    let answered = false;

    for (;;) {
      const hasTicket = stored.id !== undefined && stored.ticket !== undefined;
      const outcome = hasTicket ? await this.client.status(stored.id!, stored.ticket!, signal) : await this.client.join(stored.key, signal);
      if (signal.aborted || outcome.kind === 'aborted') return;
      const now = clock.now();
      if (isAnswer(outcome)) answered = true;

      const ended = endCode(outcome, hasTicket);
      if (ended) {
        await this.store.clear(stored.key);
        if (signal.aborted) return;
        // A ticket that got in once belongs to a past session: start a fresh wait rather than say "expired".
        if (pastSession) return this.start();
        return this.emit(signal, { ...snap, phase: Phase.EXPIRED, failures: 0, retryAt: undefined, code: ended });
      }

      let failure: QueueFailure | undefined;
      if (outcome.kind !== 'ok') failure = outcome;
      else {
        const status = outcome.value;
        // A join answer must carry the credential, an admission its token: otherwise it is off-protocol.
        if ((!hasTicket && !status.ticket) || (status.state === 'admitted' && !status.admission)) {
          failure = { kind: 'invalid-response', httpStatus: outcome.httpStatus };
        } else {
          const patch: Partial<StoredTicket> = {};
          if (!hasTicket) Object.assign(patch, { id: status.id, ticket: status.ticket });
          if (stored.joinPosition === undefined && status.position !== null) patch.joinPosition = status.position;
          if (status.admission) patch.admission = status.admission;
          if (Object.keys(patch).length > 0) {
            await this.store.save(stored.key, patch);
            stored = { ...stored, ...patch };
          }
          const admitted = status.state === 'admitted';
          snap = { phase: admitted ? Phase.ADMITTED : Phase.WAITING, ticketId: status.id, status,
            joinPosition: stored.joinPosition, admission: status.admission, lastUpdate: now, failures: 0 };
          this.emit(signal, snap);
          if (admitted) return;
          await sleep(delayAfterSuccess(status.pollAfterMs, random), clock, signal);
          continue;
        }
      }

      const failures = snap.failures + 1;
      const unreachable = !answered && failures >= unreachableAfter;
      if (unreachable && whenUnreachable === 'open') {
        warn(`antichambre: queue API never answered, letting the pupil through (when-unreachable="open")`);
        return this.emit(signal, { ...snap, phase: Phase.UNREACHABLE_OPEN, failures, code: 'queue-unreachable' });
      }
      const delay = delayAfterFailure(failures, failure.kind === 'throttled' ? failure.retryAfterMs : null, random);
      const refused = failure.kind === 'rejected' || failure.kind === 'unauthorized' || failure.kind === 'not-found';
      snap = { ...snap, phase: refused ? Phase.ERROR : Phase.RECONNECTING, failures, retryAt: now + delay,
        code: unreachable ? 'queue-unreachable' : refused ? 'request-rejected' : (failure.kind as AntichambreErrorCode) };
      this.emit(signal, snap);
      await sleep(delay, clock, signal);
    }
  }
}

/** The code to show when the server says this ticket is over; undefined while it lives. */
function endCode(outcome: QueueOutcome<TicketStatus>, hasTicket: boolean): AntichambreErrorCode | undefined {
  if (outcome.kind === 'ok') {
    const { state } = outcome.value;
    return state === 'expired' ? 'ticket-expired' : state === 'released' ? 'ticket-released' : undefined;
  }
  if (outcome.kind === 'expired') return 'ticket-expired';
  // 401 and the server's own "ticket-not-found" only end a ticket we hold (not a join), and a proxy's 404 never does.
  if (hasTicket && outcome.kind === 'unauthorized') return 'credential-rejected';
  if (hasTicket && outcome.kind === 'not-found' && outcome.serverCode === 'ticket-not-found') return 'ticket-not-found';
  return undefined;
}
