import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { AntichambreError, AntichambreErrorCode } from '../core/errors.js';
import { etaRange, queueProgress } from '../core/eta-range.js';
import type { WaitingRoomSnapshot } from '../core/waiting-room.js';
import { parseWidgetConfig, type WidgetConfig } from '../core/widget-config.js';
import { QueueController } from './controllers/queue-controller.js';
import { TickerController } from './controllers/ticker-controller.js';
import { emit } from './events.js';
import type { Messages } from './i18n/fr.js';
import { messagesFor, messagesReady } from './i18n/messages-for.js';
import { styles } from './antichambre-queue.styles.js';

/** Nothing shows during a join shorter than this: on an ordinary day the widget stays invisible. */
const JOINING_QUIET_MS = 1000;
/** Screen readers hear position changes at most this often. */
const ANNOUNCE_EVERY_MS = 60_000;

/**
 * A virtual waiting room for a login page: the pupil waits in line, then the login form appears.
 *
 * @summary Puts pupils in a fair line when too many sign in at once, and lets them in one by one.
 *
 * @slot - The login form, hidden while the pupil waits and revealed once admitted (when there is no return-url).
 *
 * @attr {string} service-worker - Optional URL of antichambre-sw.js on the ENT's origin, with its configuration (docs/service-worker.md). Read once, when the script loads.
 *
 * @csspart base - The wrapper of everything the widget shows.
 * @csspart panel - The box shown while there is a line (waiting, connection lost, expired, configuration error).
 * @csspart position - The pupil's position number.
 * @csspart progress - The progress bar (role="progressbar").
 * @csspart progress-indicator - The filled part of the progress bar.
 * @csspart button - The buttons: "take a new place", and "notify me when it is my turn" (offered while waiting where the browser has notifications; permission is asked only on its click).
 *
 * @cssproperty --antichambre-accent - Progress bar, button, link and focus colour (default #0b5cad).
 * @cssproperty --antichambre-color - Panel text colour.
 * @cssproperty --antichambre-background - Panel background.
 * @cssproperty --antichambre-radius - Panel corner radius.
 *
 * @fires antichambre-joined - The pupil holds a place: `{id, position, resumed}`.
 * @fires antichambre-position - Position or estimate changed: `{position, ahead, etaSeconds}`.
 * @fires antichambre-admitted - The pupil may go in: `{token, expiresAt}`. Cancelable: `preventDefault()` stops the navigation to return-url.
 * @fires antichambre-error - Configuration error, failed request or ended ticket: `{code, message, retryInMs}`.
 */
export class AntichambreQueue extends LitElement {
  static override styles = styles;
  static override properties = {
    endpoint: {},
    room: {},
    returnUrl: { attribute: 'return-url' },
    lang: {},
    admissionCookie: { attribute: 'admission-cookie' },
    whenUnreachable: { attribute: 'when-unreachable' },
  };

  /** Base URL of the queue API, e.g. `https://file.ent.example/api/v1` (required). */
  declare endpoint?: string;
  /** Room id: 1–64 characters of a-z, 0-9 and "-" (required). */
  declare room?: string;
  /** Where to go once admitted. Without it, the slotted content is revealed instead. */
  declare returnUrl?: string;
  /** `fr` (default) or `en`; falls back to the document's language. */
  declare lang: string;
  /** First-party cookie that receives the admission token. Default `antichambre_admission`. */
  declare admissionCookie?: string;
  /** `wait` (default) or `open`: what to do if the queue API has never answered after several tries. */
  declare whenUnreachable?: string;

  /** Set by configure(), which runs inside willUpdate: the same update renders it, so it need not be reactive. */
  private configError?: AntichambreError;
  private config?: WidgetConfig;
  private readonly queue = new QueueController(this, (code, hasTicket) => this.describe(code, hasTicket));
  private readonly ticker = new TickerController(this);
  /** Whether the pupil has seen the waiting UI: then admission is said aloud rather than silent. */
  private sawLine = false;
  private announcement = '';
  private announced = { at: -Infinity, position: 0 };
  /** The lazy turn-notice chunk's button or message, shown in the waiting panel. */
  declare turnNotice?: TemplateResult | typeof nothing;

  /** The current ticket id, once known. */
  get ticketId(): string | undefined {
    return this.queue.snapshot?.ticketId;
  }

  /** The phase of the wait (`joining`, `waiting`, `admitted`, `reconnecting`, `expired`, `unreachable-open`, `error`), or undefined before start or on a configuration error. */
  get phase(): WaitingRoomSnapshot['phase'] | undefined {
    return this.queue.snapshot?.phase;
  }

  /** Takes a new place in line after the previous one expired. */
  rejoin(): Promise<void> {
    this.sawLine = true;
    return this.queue.rejoin();
  }

  /** Nothing renders, and nothing starts, until the page's language has loaded (English is a separate chunk). */
  protected override shouldUpdate(): boolean {
    return messagesReady(this.language(), () => this.requestUpdate());
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Every reactive property is configuration (lang too: configure() then finds the same config and
    // keeps the wait running); plain requestUpdate() calls change none.
    if (!this.hasUpdated || changed.size) this.configure();
    const snap = this.queue.snapshot;
    const phase = snap?.phase ?? 'joining';
    this.ticker.running = !this.configError && (phase === 'joining' || phase === 'reconnecting' || phase === 'error');
    if (phase !== 'admitted' && phase !== 'unreachable-open' && (phase !== 'joining' || this.joiningVisible())) this.sawLine = true;
    // "Me prévenir quand c'est mon tour": a chunk only a waiting pupil downloads, where notifications exist.
    if (phase === 'waiting' && self.Notification && !this.turnNotice) {
      this.turnNotice = nothing;
      // A chunk that fails to load (offline, a deploy in between) only means no offer: the wait goes on.
      import('./turn-notice/turn-notice.js').then((m) => m.offerTurnNotice(this), () => {});
    }
    this.updateAnnouncement(snap);
  }

  private configure(): void {
    try {
      const config = parseWidgetConfig(this, document.baseURI);
      this.configError = undefined;
      if (JSON.stringify(config) === JSON.stringify(this.config)) return;
      this.config = config;
      this.queue.start(config);
    } catch (error) {
      this.config = undefined;
      this.queue.reset();
      this.configError = error as AntichambreError;
      emit(this, 'antichambre-error', { code: this.configError.code, message: this.describe(this.configError.code), retryInMs: null });
    }
  }

  private joiningVisible(): boolean {
    return Date.now() - this.queue.startedAt >= JOINING_QUIET_MS;
  }

  private updateAnnouncement(snap: WaitingRoomSnapshot | undefined): void {
    const t = this.messages();
    const position = snap?.phase === 'waiting' ? snap.status?.position : null;
    if (position && position !== this.announced.position && Date.now() - this.announced.at >= ANNOUNCE_EVERY_MS) {
      this.announced = { at: Date.now(), position };
      this.announcement = t.announce(position);
    } else if (snap?.phase === 'admitted' && this.sawLine) {
      this.announcement = this.config?.returnUrl ? t.redirecting : t.admitted;
      // A pupil reading another tab sees it in the tab bar; every tab hears it (the leader shares the state).
      if (document.hidden) document.title = t.admitted;
    }
  }

  /** What the pupil is told for an error code (also the `message` of `antichambre-error`). */
  private describe(code: AntichambreErrorCode, hasTicket = false): string {
    const t = this.messages();
    const attribute = code.replace(/^(bad|missing)-/, '');
    if (attribute !== code) return t.badAttribute(attribute);
    if (code === 'credential-rejected') return t.credentialRejected;
    if (code === 'admission-unclaimed') return t.admissionUnclaimed;
    if (code.startsWith('ticket-')) return t.expired;
    if (code === 'request-rejected') return t.refused;
    // Without a ticket there is no place to keep yet: only say the service is not answering.
    return hasTicket ? t.connectionLost : t.notReachable;
  }

  private messages(): Messages {
    return messagesFor(this.language());
  }

  private language(): string {
    return this.lang || document.documentElement.lang;
  }

  protected override render(): TemplateResult {
    const t = this.messages();
    const phase = this.queue.snapshot?.phase;
    const open = !this.configError && !this.config?.returnUrl && (phase === 'admitted' || phase === 'unreachable-open');
    return html`<div part="base" lang=${t.locale.slice(0, 2)}>${this.renderState(t)}<div class="sr-only" aria-live="polite">${this.announcement}</div></div>${open ? html`<slot></slot>` : nothing}`;
  }

  private renderState(t: Messages): TemplateResult | typeof nothing {
    if (this.configError) {
      return html`<div part="panel" class="panel" role="alert"><p class="title">${t.configTitle}</p><p>${this.describe(this.configError.code)}</p></div>`;
    }
    const snap = this.queue.snapshot;
    switch (snap?.phase ?? 'joining') {
      case 'joining':
        return this.joiningVisible() ? html`<div part="panel" class="panel"><p>${t.joining}</p></div>` : nothing;
      case 'waiting':
        return this.renderWaiting(t, snap!);
      case 'reconnecting':
      case 'error':
        return this.renderRetrying(t, snap!);
      case 'expired':
        return html`<div part="panel" class="panel"><p class="title">${t.expiredTitle}</p><p>${this.describe(snap!.code!)}</p><button part="button" type="button" @click=${() => this.rejoin()}>${t.rejoin}</button></div>`;
      case 'admitted':
        if (!this.sawLine) return nothing;
        return html`<div part="panel" class="panel"><p class="title">${this.config?.returnUrl ? t.redirecting : t.admitted}</p>${
          this.config?.returnUrl ? html`<p><a href=${this.config.returnUrl}>${t.continue}</a></p>` : nothing
        }</div>`;
      default:
        return nothing;
    }
  }

  private renderRetrying(t: Messages, snap: WaitingRoomSnapshot): TemplateResult {
    // The countdown is the scheduler's own deadline; offline there is none, and none is promised.
    const retry = snap.retryAt === undefined ? '' : `, ${t.retryIn(Math.max(0, Math.ceil((snap.retryAt - Date.now()) / 1000)))}`;
    const notice = html`<p class="notice">${this.describe(snap.code!, snap.ticketId !== undefined)}${retry}.</p>`;
    return snap.status ? this.renderWaiting(t, snap, notice) : html`<div part="panel" class="panel">${notice}</div>`;
  }

  private renderWaiting(t: Messages, snap: WaitingRoomSnapshot, notice: TemplateResult | typeof nothing = nothing): TemplateResult {
    const status = snap.status!;
    const position = status.position ?? 1;
    const progress = queueProgress(snap.joinPosition ?? position, position);
    const time = new Date(snap.lastUpdate!).toLocaleTimeString(t.locale);
    // Templates are written without indentation: Lit ships their whitespace as is.
    return html`<div part="panel" class="panel"><p class="title">${t.waitingTitle}</p>${notice}<p class="muted">${t.waitingIntro}</p>
<p>${t.position} <strong part="position" class="position">${position}</strong></p><p>${t.ahead(status.ahead)}</p><p>${t.eta(etaRange(status))}</p>
<div part="progress" role="progressbar" aria-label=${t.progress} aria-valuemin="0" aria-valuemax="100" aria-valuenow=${progress} aria-valuetext="${progress} %"><div part="progress-indicator" style="width:${progress}%"></div></div>
<p class="muted">${t.keepOpen}</p>${this.turnNotice}<p class="muted">${t.updatedAt(time)}</p></div>`;
  }
}
