/**
 * Tells the server the pupil is still here (src/core/heartbeat-plan.ts decides when). The plan lives in
 * localStorage, shared by the tabs and pages of the ENT: otherwise each page load would start its own
 * minute and a pupil clicking through pages would beat at every click.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Random } from '../../../core/clock.js';
import { planNextHeartbeat, shouldSendHeartbeat, type HeartbeatPlan } from '../../../core/heartbeat-plan.js';
import type { HeartbeatOutcome } from '../../../core/session-client.js';

export interface HeartbeatRun {
  /** localStorage key of the shared plan. */
  readonly key: string;
  /** Ticket id: a plan left by an earlier ticket does not apply. */
  readonly id: string;
  /** When the server last saw the pupil, if no tab has beaten yet (the admission). */
  readonly since: number;
  readonly lastActivityAt: () => number;
  readonly send: () => Promise<HeartbeatOutcome>;
  /** The server no longer holds the seat. */
  readonly onGone: () => void;
}

export class HeartbeatController implements ReactiveController {
  private run?: HeartbeatRun;
  private plan?: HeartbeatPlan;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    host: ReactiveControllerHost,
    private readonly now: () => number = () => Date.now(),
    private readonly random: Random = Math.random,
    private readonly storage: () => Storage | undefined = () => globalThis.localStorage,
  ) {
    host.addController(this);
  }

  start(run: HeartbeatRun): void {
    this.stop();
    this.run = run;
    this.plan = this.load() ?? planNextHeartbeat(run.since, this.random);
    this.consider();
  }

  /** On every recorded activity, in any tab. */
  activity(): void {
    this.consider();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.run = this.plan = undefined;
  }

  hostDisconnected(): void {
    this.stop();
  }

  private consider = () => {
    const run = this.run;
    if (!run || !this.plan) return;
    const now = this.now();
    // Another tab may have beaten since: its plan wins.
    this.plan = this.load() ?? this.plan;
    if (shouldSendHeartbeat(this.plan, run.lastActivityAt(), now)) {
      this.plan = planNextHeartbeat(now, this.random);
      this.save(this.plan);
      void run.send().then((outcome) => outcome === 'gone' && this.run === run && run.onGone());
    }
    clearTimeout(this.timer);
    // Activity may stop before notBefore: look once more then, or that last activity is never reported.
    if (now < this.plan.notBefore) this.timer = setTimeout(this.consider, this.plan.notBefore - now);
  };

  private load(): HeartbeatPlan | undefined {
    try {
      const saved: unknown = JSON.parse(this.storage()?.getItem(this.run!.key) ?? 'null');
      const plan = saved as (HeartbeatPlan & { id: unknown }) | null;
      return plan && plan.id === this.run!.id && Number.isFinite(plan.lastSentAt) && Number.isFinite(plan.notBefore)
        ? { lastSentAt: plan.lastSentAt, notBefore: plan.notBefore }
        : undefined;
    } catch {
      return undefined;
    }
  }

  private save(plan: HeartbeatPlan): void {
    try {
      this.storage()?.setItem(this.run!.key, JSON.stringify({ ...plan, id: this.run!.id }));
    } catch {
      // Storage full or forbidden (private mode): this tab keeps its own plan.
    }
  }
}
