/**
 * Drives one WaitingRoom (src/core) for its host and turns snapshots into what the page sees happen:
 * events, the admission cookie, and the navigation to return-url. It also tells the runner when the device
 * goes offline or the tab hidden (the scheduler decides what that changes). Rendering stays in the component.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AntichambreErrorCode } from '../../core/errors.js';
import type { WaitingRoomSnapshot } from '../../core/waiting-room.js';
import { createSharedWaitingRoom, type SharedWaitingRoom } from '../../core/shared-waiting-room.js';
import type { WidgetConfig } from '../../core/widget-config.js';
import { setAdmissionCookie } from '../admission-cookie.js';
import { emit } from '../events.js';

/** Listened to on window: `visibilitychange` is fired at the document and bubbles up to it. */
const PAGE_EVENTS = ['online', 'offline', 'visibilitychange'];

export type QueueHost = ReactiveControllerHost & EventTarget;

export class QueueController implements ReactiveController {
  snapshot?: WaitingRoomSnapshot;
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

  private onChange = (next: WaitingRoomSnapshot) => {
    const prev = this.snapshot;
    this.snapshot = next;
    this.report(prev, next);
    this.host.requestUpdate();
  };

  private report(prev: WaitingRoomSnapshot | undefined, next: WaitingRoomSnapshot): void {
    const status = next.status;
    if (status && !prev?.status) {
      emit(this.host, 'antichambre-joined', { id: status.id, position: status.position, resumed: prev?.ticketId !== undefined });
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
    if (next.phase === prev?.phase) return;
    const returnUrl = this.config?.returnUrl;
    if (next.phase === 'admitted' && next.admission && this.config) {
      setAdmissionCookie(this.config.admissionCookie, next.admission);
      const proceed = emit(this.host, 'antichambre-admitted', { ...next.admission }, true);
      if (proceed && returnUrl) this.navigate(returnUrl);
    }
    if (next.phase === 'unreachable-open' && returnUrl) this.navigate(returnUrl);
  }
}
