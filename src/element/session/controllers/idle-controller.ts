/**
 * Runs the idle machine (src/core/session/idle.ts) for <antichambre-session>: feeds it this tab's activity
 * (throttled) and the other tabs' timestamps, wakes it at its deadlines, and tells the host when the
 * phase changes or the seat must go. Timers only say when to look again; the machine reads the clock.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { flushActivity, initialActivityThrottle, throttleActivity } from '../../../core/session/activity-throttle.js';
import { activity, createIdleState, evaluate, extend, IdlePhase, release, type IdleRelease, type IdleState, type ReleaseReason } from '../../../core/session/idle.js';
import { openTabChannel, type TabChannel, type TabMessage } from '../../../core/session/tabs.js';
import { listenForActivity } from './activity-listener.js';

export interface IdleRun {
  readonly timeoutMs: number;
  readonly warningMs: number;
  /** BroadcastChannel shared by the tabs of this endpoint + room (see src/core/session/tabs.ts). */
  readonly channelName: string;
  /** Focus events on these targets, and Tab pressed there, are not the pupil's activity (the dialog moving focus to its button, Tab within it). */
  readonly ignoreFocus: (target: EventTarget | null) => boolean;
  /** Activity was recorded, here or in another tab: a chance to send a heartbeat. */
  readonly onActivity: () => void;
  /** The seat must be given back: idle here, or released by another tab (`elsewhere`). */
  readonly onReleased: (release: IdleRelease, elsewhere: boolean) => void;
}

export class IdleController implements ReactiveController {
  /** null until started. */
  phase: IdlePhase | null = null;
  /** When the warning's countdown ends (epoch ms). */
  releaseAt: number | null = null;
  private state?: IdleState;
  private run?: IdleRun;
  private throttle = initialActivityThrottle;
  private channel?: TabChannel;
  private unlisten?: () => void;
  private checkTimer?: ReturnType<typeof setTimeout>;
  private flushTimer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly now: () => number = () => Date.now(),
  ) {
    host.addController(this);
  }

  /** Latest activity in any tab (epoch ms), 0 before start. */
  get lastActivityAt(): number {
    return this.state?.lastActivityAt ?? 0;
  }

  start(run: IdleRun): void {
    this.stop();
    this.run = run;
    this.state = createIdleState(this.now(), run);
    this.throttle = initialActivityThrottle;
    this.channel = openTabChannel(run.channelName, this.onMessage);
    this.unlisten = listenForActivity(this.onDomActivity, run.ignoreFocus);
    this.check();
  }

  /** "Je suis là": counts at once and reaches the other tabs at once, whatever the throttle. */
  extend(): void {
    const at = this.now();
    if (!this.wake(at)) return;
    this.state = extend(this.state!, at);
    this.channel?.post({ type: 'activity', at });
    this.run?.onActivity();
    this.check();
  }

  /** Gives the seat back for a reason the machine cannot see (logout, server expiry), in every tab. */
  release(reason: ReleaseReason): void {
    if (!this.state || this.state.released) return;
    this.state = release(this.state, reason);
    this.channel?.post({ type: 'released', reason });
    this.finish();
  }

  hostDisconnected(): void {
    this.stop();
  }

  private stop(): void {
    clearTimeout(this.checkTimer);
    clearTimeout(this.flushTimer);
    this.unlisten?.();
    this.channel?.close();
    this.unlisten = this.channel = undefined;
  }

  private finish(): void {
    this.stop();
    this.phase = IdlePhase.RELEASED;
    this.releaseAt = null;
    this.host.requestUpdate();
  }

  private onDomActivity = () => {
    const at = this.now();
    const decision = throttleActivity(this.throttle, at);
    this.throttle = decision.state;
    if (!decision.record || !this.wake(at)) return;
    this.state = activity(this.state!, at);
    if (decision.broadcast) this.channel?.post({ type: 'activity', at });
    if (decision.flushAt !== null) {
      clearTimeout(this.flushTimer);
      this.flushTimer = setTimeout(this.flush, Math.max(0, decision.flushAt - this.now()));
    }
    this.run?.onActivity();
    this.check();
  };

  /** The trailing edge of the throttle: the other tabs hear of the latest activity too. */
  private flush = () => {
    const { state, broadcast } = flushActivity(this.throttle, this.now());
    this.throttle = state;
    if (broadcast !== null) this.channel?.post({ type: 'activity', at: broadcast });
  };

  private onMessage = (message: TabMessage) => {
    if (!this.state || this.state.released) return;
    if (message.type === 'released') {
      this.state = release(this.state, message.reason);
      this.finish();
      this.run?.onReleased(this.state.released!, true);
      return;
    }
    // Not evaluated first: a late timestamp from a busy tab must save a pupil this frozen tab gave up on.
    this.state = activity(this.state, message.at);
    this.run?.onActivity();
    this.check();
  };

  /**
   * A wake-up (DOM activity, the button) is evaluated before it counts as activity: after a sleep past
   * both deadlines the seat is already gone, and moving the mouse must not bring it back.
   */
  private wake(at: number): boolean {
    if (!this.state || this.state.released) return false;
    this.check(at);
    return !this.state.released;
  }

  private check = (at = this.now()) => {
    if (!this.state) return;
    const verdict = evaluate(this.state, at);
    this.state = verdict.state;
    if (verdict.releasedNow) {
      this.channel?.post({ type: 'released', reason: verdict.state.released!.reason });
      this.finish();
      this.run?.onReleased(verdict.state.released!, false);
      return;
    }
    const changed = verdict.phase !== this.phase || (verdict.phase === IdlePhase.WARNING && verdict.releaseAt !== this.releaseAt);
    this.phase = verdict.phase;
    this.releaseAt = verdict.releaseAt;
    clearTimeout(this.checkTimer);
    if (verdict.nextCheckAt !== null) this.checkTimer = setTimeout(() => this.check(), Math.max(0, verdict.nextCheckAt - at));
    if (changed) this.host.requestUpdate();
  };
}
