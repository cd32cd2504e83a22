/**
 * The framework-free runner of one pupil's wait: load or make the stored ticket, then let the poll loop
 * (poll-loop.ts, every timing decision in scheduler.ts) join and poll, and report plain-data snapshots. A
 * controller (or a simulator) drives it with start()/stop() and tells it when the page goes offline or hidden.
 *
 * Invariant: a failed request never loses the stored ticket. Only the server ends it (410, "released",
 * 401 on a credential it no longer accepts, or its own "ticket-not-found").
 */
import type { Admission, TicketStatus } from '../protocol/protocol.js';
import type { AntichambreErrorCode } from '../protocol/errors.js';
import { systemClock, type Clock, type Random } from './clock.js';
import { createQueueClient, isAnswer, type QueueClient, type QueueFailure, type QueueOutcome } from './queue-client.js';
import { createTicketStore, type StoredTicket, type TicketStore } from './ticket-store.js';
import { isTicketStatus } from '../protocol/protocol-guards.js';
import { endpointBase } from '../protocol/queue-endpoint.js';
import { createPollLoop, type PollLoop } from './poll-loop.js';
import { DEFAULT_SCHEDULER_CONFIG } from './scheduler.js';

const OPEN_SCHEDULER_CONFIG = { ...DEFAULT_SCHEDULER_CONFIG, budget: { ...DEFAULT_SCHEDULER_CONFIG.budget, failureCost: 1 } };
import type { SchedulerOutcome } from './scheduler.js';
import { makeJoinKey } from './join-key.js';
import { browserLocks, type LocksLike } from './tab-leader.js';

// Written as literals elsewhere (checked against the union), so that the bundle need not ship this object.
export const Phase = {
  JOINING: 'joining',
  /** The room asked the join for a proof of work: solving it (pow-solver.ts), then joining with the same key. */
  VERIFYING: 'verifying',
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
  /** Clock time of the next try after a failure, as the scheduler set it; undefined while offline. */
  readonly retryAt?: number;
  /** Clock time of the last status the server gave (during this run, or the kept one's). */
  readonly lastUpdate?: number;
  /** While joining after a reload: the last status stored with the ticket, shown at once as the last known position. */
  readonly kept?: TicketStatus;
  readonly failures: number;
  readonly code?: AntichambreErrorCode;
}

export type WhenUnreachable = 'wait' | 'open';

export interface WaitingRoomOptions {
  endpoint: string;
  room: string;
  whenUnreachable?: WhenUnreachable;
  /** A priority pass the joins carry (widget-config.ts). */
  pass?: string;
  /** Failed tries without any HTTP answer before the API counts as unreachable. */
  unreachableAfter?: number;
  onChange?: (snapshot: WaitingRoomSnapshot) => void;
  client?: QueueClient;
  store?: TicketStore;
  clock?: Clock;
  random?: Random;
  makeKey?: () => string;
  /** Web Locks: joins run under one lock per endpoint + room, so two tabs never join twice. */
  locks?: LocksLike;
  warn?: (message: string) => void;
  /** The page's state when the wait starts; later changes go through setOnline() and setVisible(). */
  online?: boolean;
  visible?: boolean;
}

export class WaitingRoom {
  private current: WaitingRoomSnapshot = { phase: 'joining', failures: 0 };
  private run?: AbortController;
  private loop?: PollLoop;
  private readonly client: QueueClient;
  private readonly store: TicketStore;
  private readonly clock: Clock;
  private online: boolean;
  private visible: boolean;

  constructor(private readonly options: WaitingRoomOptions) {
    this.clock = options.clock ?? systemClock;
    this.client = options.client ?? createQueueClient({ ...options, clock: this.clock });
    this.store = options.store ?? createTicketStore(options.endpoint, options.room, { now: () => this.clock.now() });
    this.online = options.online ?? true;
    this.visible = options.visible ?? true;
  }

  get snapshot(): WaitingRoomSnapshot {
    return this.current;
  }

  /**
   * (Re)starts the wait; a previous run is stopped and its late results are dropped. `resume`: the last
   * snapshot another tab shared, when this tab takes the lead: shown at once, and its next-try time kept.
   */
  start(resume?: WaitingRoomSnapshot): void {
    this.stop();
    if (resume) this.current = resume;
    const run = (this.run = new AbortController());
    this.begin(run.signal, resume).catch((error: unknown) => {
      // Only a storage failure can land here; keep the pupil informed rather than fail silently.
      if (!run.signal.aborted) this.options.warn?.(`antichambre: ${error}`);
    });
  }

  stop(): void {
    this.run?.abort();
    this.run = undefined;
    this.loop?.stop();
    this.loop = undefined;
  }

  /** Offline pauses every request; back online, the next one comes after a jittered delay. */
  setOnline(online: boolean): void {
    this.online = online;
    this.loop?.setOnline(online);
  }

  /** A hidden tab polls no more often than the server asks. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    this.loop?.setVisible(visible);
  }

  /** The pupil's « Réessayer maintenant » after a failure: the next try soon, never before a Retry-After. */
  retryNow(): void {
    this.loop?.pokeNow();
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

  private async begin(signal: AbortSignal, resume?: WaitingRoomSnapshot): Promise<void> {
    const { whenUnreachable = 'wait', unreachableAfter = 4, random = Math.random, warn = console.warn } = this.options;
    const { endpoint, room, locks = browserLocks() } = this.options;
    const clock = this.clock;
    let stored: StoredTicket = await this.store.ensure(this.options.makeKey ?? makeJoinKey);
    if (signal.aborted) return;

    // An admission still valid (reload after getting in) needs no request at all, unless the widget already
    // navigated with it: then we are back (a gate's bounce, the Back button), and polling brings a fresh
    // admission or the end of the ticket (then a fresh wait) instead of the same token again.
    const followed = stored.followedAt !== undefined;
    if (!followed && stored.admission && Date.parse(stored.admission.expiresAt) > clock.now()) {
      return this.emit(signal, { phase: 'admitted', ticketId: stored.id, admission: stored.admission, failures: 0 });
    }
    // A ticket that already got in once belongs to a past session: if the server says it is over,
    // start a fresh wait silently rather than tell the pupil "your place expired".
    const pastSession = stored.admission !== undefined;
    if (!resume?.ticketId || resume.ticketId !== stored.id) {
      this.emit(signal, { phase: 'joining', ticketId: stored.id, joinPosition: stored.joinPosition, failures: 0,
        kept: isTicketStatus(stored.last) ? stored.last : undefined, lastUpdate: stored.updatedAt });
    }
    let answered = false;
    let refused = false;

    /**
     * A join waits for the join lock, then adopts the ticket another tab may have stored meanwhile instead
     * of joining again. The lock is held until the answer is stored.
     */
    const request = (requestSignal: AbortSignal): Promise<SchedulerOutcome> =>
      stored.ticket || !locks
        ? ask(requestSignal)
        : (locks.request(`antichambre:join:${endpointBase(endpoint)}|${room}`, { signal: requestSignal }, async () => {
            const fresh = await this.store.read();
            if (fresh?.ticket) stored = fresh;
            return ask(requestSignal);
          }) as Promise<SchedulerOutcome>);

    /** One join or status request; it reports success itself, failures are reported once scheduled. */
    const ask = async (requestSignal: AbortSignal): Promise<SchedulerOutcome> => {
      const hasTicket = stored.id !== undefined && stored.ticket !== undefined;
      let outcome = hasTicket ? await this.client.status(stored.id!, stored.ticket!, requestSignal) : await this.client.join(stored.key, requestSignal);
      // 428 "pow-required" (only a refusal carries `pow`): solve in the lazy chunk, then the same key joins
      // again. A pupil holding a ticket never gets here. A solve past the request timeout is retried with a
      // fresh challenge, whose answer falls anywhere in its range again (join-pow.ts keeps the worst case short);
      // the solve stops with the request, so a retry never runs two solvers at once on a cheap phone.
      const challenge = (outcome as { pow?: unknown }).pow;
      if (challenge) {
        this.emit(signal, { ...this.current, phase: 'verifying' });
        outcome = await this.client.join(stored.key, requestSignal, await import('../pow/pow-solver.js').then((m) => m.solvePow(challenge, requestSignal)));
      }
      if (isAnswer(outcome)) answered = true;
      refused = outcome.kind === 'rejected' || outcome.kind === 'unauthorized' || outcome.kind === 'not-found';

      const ended = endCode(outcome, hasTicket);
      if (ended) {
        loop.stop();
        await this.store.clear(stored.key);
        // A ticket that got in once belongs to a past session: start a fresh wait rather than say "expired".
        if (pastSession && !signal.aborted) this.start();
        else this.emit(signal, { ...this.current, phase: 'expired', failures: 0, retryAt: undefined, code: ended });
        return { kind: 'network' }; // unheard: the loop is stopped
      }
      if (outcome.kind !== 'ok') return schedulerOutcome(outcome);
      const status = outcome.value;
      // A join answer must carry the credential, an admission its token: otherwise it is off-protocol.
      if ((!hasTicket && !status.ticket) || (status.state === 'admitted' && !status.admission)) return { kind: 'invalid-response' };
      // Stored on every answer (one IndexedDB write per poll, every 5 s at most): a reload shows it at once.
      const patch: Partial<StoredTicket> = { last: status };
      if (!hasTicket) Object.assign(patch, { id: status.id, ticket: status.ticket });
      if (stored.joinPosition === undefined && status.position !== null) patch.joinPosition = status.position;
      if (status.admission) patch.admission = status.admission;
      await this.store.save(stored.key, patch);
      stored = { ...stored, ...patch };
      const admitted = status.state === 'admitted';
      // Polling goes on only for an admission already over by the server's own clock (an old server's fixed
      // expiry, issue 11): a fresh token may come, and nothing navigates with a dead one. Once a live token is
      // here it stops, followed admissions too: every admitted poll is a sign of life, so a waiting page left
      // open after a bounce or the Back button would hold the seat until --max-session (10 h) while
      // <antichambre-session> on the ENT's pages is what keeps an active pupil's seat. A later click on
      // « Continuer » with a stale cookie comes back here through the gate, and this page's load asks again.
      if (admitted && Date.parse(status.admission!.expiresAt) > Date.parse(status.serverTime)) loop.stop();
      // An answer that came after the loop's timeout is stale: the loop already scheduled a retry.
      if (admitted || !requestSignal.aborted) {
        this.emit(signal, { phase: admitted ? 'admitted' : 'waiting', ticketId: status.id, status,
          joinPosition: stored.joinPosition, admission: status.admission, lastUpdate: clock.now(), failures: 0 });
      }
      return { kind: 'ok', pollAfterMs: status.pollAfterMs };
    };

    const loop = (this.loop = createPollLoop({
      request,
      clock,
      random,
      // An ENT that chose "open" wants a quick verdict when the API is down: its tries back off
      // 1, 2, 4 s… instead of being throttled to one every few minutes from the second failure.
      config: whenUnreachable === 'open' ? OPEN_SCHEDULER_CONFIG : undefined,
      online: this.online,
      visible: this.visible,
      onSchedule: ({ at, outcome, reason }) => {
        const snap = this.current;
        const retryAt = at ?? undefined;
        if (outcome && outcome.kind !== 'ok') {
          const failures = snap.failures + 1;
          const unreachable = !answered && failures >= unreachableAfter;
          if (unreachable && whenUnreachable === 'open') {
            loop.stop();
            warn(`antichambre: queue API unreachable, pupil let in (when-unreachable="open")`);
            return this.emit(signal, { ...snap, phase: 'unreachable-open', failures, code: 'queue-unreachable' });
          }
          const code = unreachable ? 'queue-unreachable' : refused ? 'request-rejected' : outcome.kind;
          this.emit(signal, { ...snap, phase: refused ? 'error' : 'reconnecting', failures, retryAt, code });
        } else if (reason === 'offline') {
          this.emit(signal, { ...snap, phase: 'reconnecting', retryAt, code: 'network' });
        } else if (!outcome && (snap.phase === 'reconnecting' || snap.phase === 'error')) {
          // Back online, or a visibility change: the countdown shows the deadline the scheduler now keeps.
          this.emit(signal, { ...snap, retryAt });
        }
      },
    }));
    // A tab taking the lead asks no sooner than the old leader would have (its retry time, or 80 % of the
    // server's pace after its last answer): a handover between tabs adds no request.
    const pollAfterMs = resume?.status?.pollAfterMs ?? 0;
    const notBefore = resume?.retryAt ?? (resume?.lastUpdate ?? 0) + 0.8 * pollAfterMs;
    loop.start(stored.ticket ? { kind: 'start', pollAfterMs, notBefore } : { kind: 'now' });
  }
}

/** For timing, a refusal (other 4xx) counts as a server error: retried slowly, never at once. */
function schedulerOutcome(failure: QueueFailure): SchedulerOutcome {
  const { kind } = failure;
  if (kind === 'throttled') return { kind, retryAfterMs: failure.retryAfterMs };
  return kind === 'network' || kind === 'invalid-response' ? { kind } : { kind: 'server-error', retryAfterMs: null };
}

/** The code to show when the server says this ticket is over; undefined while it lives. */
function endCode(outcome: QueueOutcome<TicketStatus>, hasTicket: boolean): AntichambreErrorCode | undefined {
  if (outcome.kind === 'ok') {
    const { state } = outcome.value;
    return state === 'expired' || state === 'released' ? `ticket-${state}` : undefined;
  }
  if (outcome.kind === 'expired') return outcome.serverCode === 'admission-unclaimed' ? 'admission-unclaimed' : 'ticket-expired';
  // 401 and the server's own "ticket-not-found" only end a ticket we hold (not a join), and a proxy's 404 never does.
  if (hasTicket && outcome.kind === 'unauthorized') return 'credential-rejected';
  if (hasTicket && outcome.kind === 'not-found' && outcome.serverCode === 'ticket-not-found') return 'ticket-not-found';
  return undefined;
}
