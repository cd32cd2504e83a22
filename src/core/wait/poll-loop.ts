/**
 * The one runner that sleeps: request → scheduler → sleep until the deadline → request… Every timing decision
 * is the pure scheduler's; this file only keeps its promises with an injected clock:
 * - one request at a time, each with a timeout (AbortController); a request must honour its signal;
 * - sleeps to an absolute deadline, so a timer that wakes early sleeps the rest, and a re-arm (visibility,
 *   online) re-measures from the deadline instead of starting the full delay again;
 * - answers that arrive after stop() or while going offline are dropped (by generation, like @lit/task);
 * - no path arms a timer shorter than the scheduler's minDelayMs: it cannot become a busy loop.
 */
import { systemClock, type Clock, type Random } from './clock.js';
import {
  type ScheduleReason,
  type SchedulerConfig,
  type SchedulerEvent,
  type SchedulerOutcome,
  type SchedulerSignal,
  type SchedulerState,
  DEFAULT_SCHEDULER_CONFIG,
  createSchedulerState,
  schedule,
} from './scheduler.js';

/** Status answers are small; ten seconds without one means the request is lost in a saturated network. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

export interface ScheduleNotice {
  /** Milliseconds until the next request; null while paused (offline). */
  readonly delayMs: number | null;
  /** Clock time of the next request, for an honest "nouvel essai dans N s"; null while paused. */
  readonly at: number | null;
  readonly reason: ScheduleReason;
  /** The answer that led to this schedule; null after start, online, visibility and pokes. */
  readonly outcome: SchedulerOutcome | null;
}

export interface PollLoopOptions {
  /** One status request. Resolve with an outcome (don't throw), and stop when `signal` aborts. */
  request: (signal: AbortSignal) => Promise<SchedulerOutcome>;
  clock?: Clock;
  random?: Random;
  config?: SchedulerConfig;
  timeoutMs?: number;
  online?: boolean;
  visible?: boolean;
  onSchedule?: (notice: ScheduleNotice) => void;
}

/** `now`: ask at once, with no timer (a pupil who just arrived has no answer to wait for). */
export type PollLoopStart = SchedulerOutcome | Extract<SchedulerSignal, { kind: 'start' }> | { kind: 'now' };

export interface PollLoop {
  /**
   * `{ kind: 'start', pollAfterMs }` on page load (the stored hint), a join's answer as an `ok` outcome, or
   * `{ kind: 'now' }` to send the first request at once (offline, it waits for `online` like a start).
   */
  start(first?: PollLoopStart): void;
  stop(): void;
  setOnline(online: boolean): void;
  setVisible(visible: boolean): void;
  /** A user's "réessayer maintenant": soon, but never before a Retry-After. Ignored while a request runs. */
  pokeNow(): void;
  readonly state: SchedulerState;
}

export function createPollLoop(options: PollLoopOptions): PollLoop {
  const { request, clock = systemClock, random = Math.random, config = DEFAULT_SCHEDULER_CONFIG } = options;
  const { timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS, onSchedule } = options;
  let state = createSchedulerState(options.visible ?? true, config);
  let online = options.online ?? true;
  let running = false;
  let deadline: number | null = null;
  let timer: { handle: unknown } | null = null;
  let inFlight: AbortController | null = null;
  let generation = 0;

  function apply(event: SchedulerEvent, outcome: SchedulerOutcome | null): void {
    const now = clock.now();
    const decision = schedule(state, event, now, random, config);
    state = decision.state;
    if (!running || inFlight) return; // the answer in flight will set the next deadline
    disarm();
    // Whatever the scheduler says, never less than minDelayMs (and NaN becomes the cap): the loop cannot spin.
    const raw = decision.delayMs;
    const delayMs = raw === null ? null : Number.isNaN(raw) ? config.capMs : Math.max(config.minDelayMs, raw);
    if (delayMs !== null) {
      deadline = now + delayMs;
      timer = { handle: clock.setTimeout(wake, delayMs) };
    }
    onSchedule?.({ delayMs, at: deadline, reason: decision.reason, outcome });
  }

  function wake(): void {
    timer = null;
    if (deadline === null) return;
    const early = deadline - clock.now();
    if (early > 0) {
      // Woke early (coarse timer, wall clock stepped back): sleep the rest, but never a sliver that could spin.
      timer = { handle: clock.setTimeout(wake, Math.max(early, config.minDelayMs)) };
      return;
    }
    deadline = null;
    void fire();
  }

  async function fire(): Promise<void> {
    const controller = new AbortController();
    const mine = generation;
    inFlight = controller;
    const outcome = await send(controller);
    if (mine !== generation) return; // stopped or went offline meanwhile: this answer is stale
    inFlight = null;
    apply(outcome, outcome);
  }

  function send(controller: AbortController): Promise<SchedulerOutcome> {
    return new Promise((resolve) => {
      const timeout = clock.setTimeout(() => {
        resolve({ kind: 'timeout' });
        controller.abort();
      }, timeoutMs);
      controller.signal.addEventListener('abort', () => clock.clearTimeout(timeout), { once: true });
      const settle = (outcome: SchedulerOutcome) => {
        clock.clearTimeout(timeout);
        resolve(outcome);
      };
      // A request that throws instead of answering counts, for timing, as a network failure.
      Promise.resolve()
        .then(() => request(controller.signal))
        .then(settle, () => settle({ kind: 'network' }));
    });
  }

  function disarm(): void {
    if (timer) clock.clearTimeout(timer.handle);
    timer = null;
    deadline = null;
  }

  function cancelInFlight(): void {
    generation += 1;
    inFlight?.abort();
    inFlight = null;
  }

  return {
    start(first = { kind: 'start' }) {
      if (running) return;
      running = true;
      if (first.kind === 'now') {
        if (online) return void fire();
        first = { kind: 'start' };
      }
      const outcome = first.kind === 'start' ? null : first;
      if (online) return apply(first, outcome);
      state = schedule(state, first, clock.now(), random, config).state;
      apply({ kind: 'offline' }, null);
    },
    stop() {
      running = false;
      cancelInFlight();
      disarm();
    },
    setOnline(value) {
      if (value === online) return;
      online = value;
      if (!running) return;
      if (!value) cancelInFlight(); // its failure would be ours, not the server's: don't let it cost budget
      apply({ kind: value ? 'online' : 'offline' }, null);
    },
    setVisible(visible) {
      apply({ kind: 'visibility', visible }, null);
    },
    pokeNow() {
      if (running && !inFlight) apply({ kind: 'poke' }, null);
    },
    get state() {
      return state;
    },
  };
}
