/**
 * Tells the server the pupil is still here, and keeps the admission fresh (src/core/session/heartbeat-plan.ts
 * decides when). The plan lives in localStorage, shared by the tabs and pages of the ENT: otherwise each
 * page load would start its own minute and a pupil clicking through pages would beat at every click; one
 * tab's renewal renews the cookie for all (same origin, same cookie).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Random } from '../../../core/wait/clock.js';
import { planNextHeartbeat, renewalTime, shouldSendHeartbeat, type HeartbeatPlan } from '../../../core/session/heartbeat-plan.js';
import type { Admission } from '../../../core/protocol/protocol.js';
import type { HeartbeatAnswer } from '../../../core/session/session-client.js';

export interface HeartbeatRun {
  /** localStorage key of the shared plan. */
  readonly key: string;
  /** Ticket id: a plan left by an earlier ticket does not apply. */
  readonly id: string;
  /** When the server last saw the pupil, if no tab has beaten yet (the admission). */
  readonly since: number;
  readonly lastActivityAt: () => number;
  /** When the admission the pupil holds (the cookie) ends, on this device's clock. */
  readonly admissionEndsAt: number;
  readonly send: () => Promise<HeartbeatAnswer>;
  /** The server no longer holds the seat. */
  readonly onGone: () => void;
  /** A heartbeat brought a fresh admission (`serverTime`: the server's clock when it answered). */
  readonly onAdmission: (admission: Admission, serverTime: number) => void;
}

export class HeartbeatController implements ReactiveController {
  private run?: HeartbeatRun;
  private plan?: HeartbeatPlan;
  private timer?: ReturnType<typeof setTimeout>;
  /** When the latest admission this tab knows of ends (this device's clock). */
  private admissionEndsAt = 0;

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
    this.admissionEndsAt = run.admissionEndsAt;
    const plan = this.load() ?? planNextHeartbeat(run.since, this.random);
    this.plan = plan.renewAt === undefined ? { ...plan, renewAt: renewalTime(this.now(), run.admissionEndsAt) } : plan;
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
      // Until the answer comes: if it never does, retry the renewal at half of what is left then.
      this.plan = { ...planNextHeartbeat(now, this.random), renewAt: renewalTime(now, this.admissionEndsAt) };
      this.save(this.plan);
      void run.send().then((answer) => this.answered(run, answer));
    }
    this.schedule(now);
  };

  private answered(run: HeartbeatRun, { outcome, admission, serverTime }: HeartbeatAnswer): void {
    if (this.run !== run || !this.plan) return;
    if (outcome === 'gone') return run.onGone();
    if (!admission || serverTime === undefined) return;
    const now = this.now();
    // Its life by the server's clock, placed on ours: a device clock minutes off changes nothing.
    this.admissionEndsAt = now + Date.parse(admission.expiresAt) - serverTime;
    run.onAdmission(admission, serverTime);
    this.plan = { ...this.plan, renewAt: renewalTime(now, this.admissionEndsAt) };
    this.save(this.plan);
    this.schedule(now);
  }

  /** Activity may stop before notBefore: look once more then, or that last activity is never reported; and at renewAt. */
  private schedule(now: number): void {
    clearTimeout(this.timer);
    const { notBefore, renewAt = Infinity } = this.plan!;
    const next = Math.min(now < notBefore ? notBefore : Infinity, renewAt);
    if (next !== Infinity) this.timer = setTimeout(this.consider, Math.max(0, next - now));
  }

  private load(): HeartbeatPlan | undefined {
    try {
      const saved: unknown = JSON.parse(this.storage()?.getItem(this.run!.key) ?? 'null');
      const plan = saved as (HeartbeatPlan & { id: unknown }) | null;
      return plan && plan.id === this.run!.id && Number.isFinite(plan.lastSentAt) && Number.isFinite(plan.notBefore)
        ? { lastSentAt: plan.lastSentAt, notBefore: plan.notBefore, renewAt: Number.isFinite(plan.renewAt) ? plan.renewAt : undefined }
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
