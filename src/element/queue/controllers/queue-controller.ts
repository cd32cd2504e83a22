/**
 * Drives one WaitingRoom (src/core) for its host and turns snapshots into what the page sees happen:
 * events, the admission cookie, and the navigation to return-url. It also tells the runner when the device
 * goes offline or the tab hidden (the scheduler decides what that changes). Rendering stays in the component.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AntichambreErrorCode } from '../../../core/protocol/errors.js';
import type { WaitingRoomSnapshot } from '../../../core/wait/waiting-room.js';
import { createSharedWaitingRoom, type SharedWaitingRoom } from '../../../core/wait/shared-waiting-room.js';
import { createTicketStore } from '../../../core/wait/ticket-store.js';
import type { WidgetConfig } from '../../../core/wait/widget-config.js';
import { setAdmissionCookie } from '../admission-cookie.js';
import { emit } from '../../events.js';

/**
 * Back on the waiting page this soon after navigating with the same ticket: the gate sent us back (a
 * bounce). A gate's redirect comes back within one page load; 30 s covers a slow ENT on a surge morning.
 */
export const BOUNCE_MS = 30_000;

/**
 * Admitted with a return-url, the page leaves after this countdown, or at once on « Continuer ». 20 s is
 * WCAG 2.2.1's floor for a time limit the pupil can stop; the admission grace (3 minutes by default) is far longer.
 */
export const LEAVE_AFTER_MS = 20_000;

/** Listened to on window: `visibilitychange` is fired at the document and bubbles up to it. */
const PAGE_EVENTS = ['online', 'offline', 'visibilitychange'];

export type QueueHost = ReactiveControllerHost & EventTarget;

export class QueueController implements ReactiveController {
  snapshot?: WaitingRoomSnapshot;
  /**
   * Set when admitted without navigating to return-url: true after a bounce from the gate, false when the
   * admission was followed long ago (Back button) or by another tab, or cannot be used (over, cookie
   * refused). The component then shows the admission with a link instead of the countdown.
   */
  held?: boolean;
  /**
   * Admitted with a return-url that nothing followed yet: when the page leaves (page clock), Infinity once
   * the pupil pressed « Rester sur cette page ». The component counts down and calls go().
   */
  leaveAt?: number;
  /** When the current wait started (page clock), for the delayed "joining" message. */
  startedAt = 0;
  /** One leader tab polls for all the tabs of the browser; this one may only show what it shares. */
  private runner?: SharedWaitingRoom;
  private config?: WidgetConfig;

  constructor(
    private readonly host: QueueHost,
    /** The text the pupil is shown for an error code, repeated in `antichambre-error` events. */
    private readonly describe: (code: AntichambreErrorCode, hasTicket: boolean) => string,
    /** Where admission leads when return-url is set. */
    private readonly navigate: (url: string) => void = (url) => location.assign(url),
  ) {
    host.addController(this);
  }

  start(config: WidgetConfig): void {
    this.stop();
    this.config = config;
    this.snapshot = undefined;
    this.startedAt = Date.now();
    this.runner = createSharedWaitingRoom({ ...config, online: navigator.onLine, visible: !document.hidden, onChange: this.onChange });
    this.runner.start();
  }

  stop(): void {
    this.runner?.stop();
    this.runner = undefined;
  }

  /** Forgets the config too: a host with bad attributes must not restart on reconnection. */
  reset(): void {
    this.stop();
    this.config = undefined;
    this.snapshot = undefined;
  }

  rejoin(): Promise<void> {
    this.startedAt = Date.now();
    return this.runner?.rejoin() ?? Promise.resolve();
  }

  /** « Réessayer maintenant » after a failure. */
  retryNow(): void {
    this.runner?.retryNow();
  }

  hostConnected(): void {
    for (const type of PAGE_EVENTS) addEventListener(type, this);
    // Moved in the DOM (disconnect + connect): resume the same stored ticket.
    if (this.config && !this.runner) this.start(this.config);
  }

  hostDisconnected(): void {
    for (const type of PAGE_EVENTS) removeEventListener(type, this);
    this.stop();
  }

  /** `offline` pauses the requests, `online` resumes them (jittered), `visibilitychange` slows a hidden tab. */
  handleEvent(event: Event): void {
    if (event.type === 'visibilitychange') this.runner?.setVisible(!document.hidden);
    else this.runner?.setOnline(event.type === 'online');
  }

  /** « Continuer », or the countdown ran out: navigate, unless the admission was followed meanwhile. */
  go(): void {
    this.leaveAt = undefined;
    const id = this.snapshot?.ticketId;
    if (id) void this.follow(id, true);
  }

  /**
   * At most one navigation per admission, whatever the tabs and reloads (issue 13: reload storms): the
   * stored ticket, shared by the tabs, records the first one. `leave`: record it and navigate; otherwise only
   * look, and start the countdown when nothing followed it yet.
   */
  private async follow(id: string, leave: boolean): Promise<void> {
    const store = createTicketStore(this.config!.endpoint, this.config!.room);
    const before = leave ? await store.follow(id) : await store.read().then((s) => (s?.id === id ? s.followedAt : undefined));
    if (before === undefined) {
      if (leave) return this.navigate(this.config!.returnUrl!);
      this.leaveAt = Date.now() + LEAVE_AFTER_MS;
    }
    // Claimed before this wait began, moments ago: the gate sent us back. Claimed since: another tab went.
    else this.held = before < this.startedAt && Date.now() - before < BOUNCE_MS;
    this.host.requestUpdate();
  }

  private onChange = (next: WaitingRoomSnapshot) => {
    const prev = this.snapshot;
    this.snapshot = next;
    this.report(prev, next);
    this.host.requestUpdate();
  };

  private report(prev: WaitingRoomSnapshot | undefined, next: WaitingRoomSnapshot): void {
    const status = next.status;
    if (status && !prev?.status) {
      emit(this.host, 'antichambre-joined', { id: status.id, position: status.position, resumed: prev?.ticketId !== undefined, lane: status.lane });
      // For the integrator only: the pupil waits in the default line as if no pass had been sent.
      if (status.passRefused) console.info(`<antichambre-queue>: ${status.passRefused}`);
    }
    if (next.phase === 'waiting' && status?.position != null) {
      const before = prev?.status;
      if (!before || before.position !== status.position || before.ahead !== status.ahead || before.etaSeconds !== status.etaSeconds) {
        emit(this.host, 'antichambre-position', { position: status.position, ahead: status.ahead, etaSeconds: status.etaSeconds });
      }
    }
    if (next.code && (next.phase !== prev?.phase || next.failures !== prev.failures)) {
      const retryInMs = next.retryAt === undefined ? null : Math.max(0, next.retryAt - Date.now());
      emit(this.host, 'antichambre-error', { code: next.code, message: this.describe(next.code, next.ticketId !== undefined), retryInMs });
    }
    const returnUrl = this.config?.returnUrl;
    if (next.phase !== 'admitted') this.held = this.leaveAt = undefined;
    // Each new admission token: a dead one (an old server's fixed expiry) may be followed by a live one, and
    // a page back from the gate gets renewed ones (the cookie then stays fresh, nothing navigates twice).
    else if (next.admission && next.admission.token !== prev?.admission?.token && this.config) {
      // Validity by the server's clock (its serverTime against ours when the status came): a pupil's phone
      // may be minutes off, and navigating with a dead admission only brings the gate's bounce.
      const now = Date.now() + (next.status ? Date.parse(next.status.serverTime) - next.lastUpdate! : 0);
      const usable = setAdmissionCookie(this.config.admissionCookie, next.admission, now);
      const proceed = emit(this.host, 'antichambre-admitted', { ...next.admission }, true);
      if (returnUrl) {
        if (!usable || !proceed) this.held = false;
        // Followed already (by this page before a bounce, or another tab): no countdown, what go() would find.
        else if (this.leaveAt === undefined) void this.follow(next.ticketId!, false);
      }
    }
    if (next.phase === 'unreachable-open' && prev?.phase !== next.phase && returnUrl) this.navigate(returnUrl);
  }
}
