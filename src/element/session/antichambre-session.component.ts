import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { IdlePhase, ReleaseReason, type IdleRelease } from '../../core/session/idle.js';
import { parseIdleConfig } from '../../core/session/idle-config.js';
import { releaseKeepalive, sendHeartbeat, type SessionTicket } from '../../core/session/session-client.js';
import { pageTimingToReport } from '../../core/session/page-timing-report.js';
import { tabChannelName } from '../../core/session/tabs.js';
import { createTicketStore, type TicketStore } from '../../core/wait/ticket-store.js';
import { parseWidgetConfig } from '../../core/wait/widget-config.js';
import { TickerController } from '../ticker-controller.js';
import { emit } from '../events.js';
import { isEnglish } from '../is-english.js';
import { sessionStyles } from './antichambre-session.styles.js';
import { clearAdmissionCookie } from './clear-admission-cookie.js';
import { renewAdmissionCookie } from './renew-admission-cookie.js';
import { HeartbeatController } from './controllers/heartbeat-controller.js';
import { IdleController } from './controllers/idle-controller.js';
import { sessionEn } from './i18n/en.js';
import { sessionFr, type SessionMessages } from './i18n/fr.js';

/** Screen readers hear the time left as it passes these marks; the visible countdown moves every second. */
const ANNOUNCE_AT_S = [60, 30, 10];
/** The live region empties this long after it spoke: never a stale « Il reste 15 secondes » beside a 5. */
const CLEAR_AFTER_S = 5;
/** How long a navigation to logout-url waits for the server to confirm the release (keepalive goes on). */
const RELEASE_WAIT_MS = 3000;

interface Session {
  ticket: SessionTicket;
  store: TicketStore;
  /** The stored ticket's key, so clearing never removes a newer ticket another tab stored. */
  key: string;
  /** When the server last saw the pupil, as far as this page knows (the stored ticket's last update). */
  since: number;
  /** When the stored admission (the cookie) ends; heartbeats renew it before then. */
  admissionEndsAt: number;
  admissionCookie: string;
  timeoutMs: number;
  warningMs: number;
}

/** Said once per page, however many elements: a page without a ticket is the normal case before login. */
let toldNoTicket = false;

/**
 * Session mode, for the ENT's pages after login: frees the seat of a pupil who walked away. Invisible
 * until the pupil has been idle for `idle-timeout` seconds in every tab; then a modal dialog asks
 * "Êtes-vous toujours là ?" for `idle-warning` seconds, and without an answer the seat is released.
 * Needs the ticket that <antichambre-queue> stored on the login page (same endpoint and room); without
 * one it does nothing. Attributes (or the same properties set from JavaScript) are read when the element
 * connects.
 *
 * @summary Releases an inactive pupil's seat after a warning the pupil can answer with one key.
 *
 * @csspart dialog - The warning and "session closed" dialog.
 * @csspart button - The "Je suis là" and "Reprendre une place" buttons.
 *
 * @cssproperty --antichambre-accent - Button and focus colour (default #0b5cad).
 * @cssproperty --antichambre-color - Dialog text colour.
 * @cssproperty --antichambre-background - Dialog background.
 * @cssproperty --antichambre-radius - Dialog corner radius.
 *
 * @fires antichambre-released - The seat was given back: `{reason: 'idle' | 'logout' | 'expired'}`. Cancelable: `preventDefault()` keeps the page (no logout-url, no message).
 */
export class AntichambreSession extends LitElement {
  static override styles = sessionStyles;
  static override properties = {
    endpoint: {},
    room: {},
    idleTimeout: { attribute: 'idle-timeout' },
    idleWarning: { attribute: 'idle-warning' },
    logoutUrl: { attribute: 'logout-url' },
    queueUrl: { attribute: 'queue-url' },
    admissionCookie: { attribute: 'admission-cookie' },
    lang: {},
  };

  /** Base URL of the queue API: the same as the login page's <antichambre-queue> (required). */
  declare endpoint?: string;
  /** Room id, the same as on the login page (required). */
  declare room?: string;
  /** Seconds without activity in any tab before the warning (default 900). */
  declare idleTimeout?: string | number;
  /** Seconds the warning lasts before release (default 60, minimum 20: WCAG 2.2.1). */
  declare idleWarning?: string | number;
  /** Where to go once the seat is released for idleness or expiry. Without it, a message is shown. */
  declare logoutUrl?: string;
  /** Where the "take a new place" button leads, normally the login page (default `/`). */
  declare queueUrl?: string;
  /** The admission cookie to clear on release. Default `antichambre_admission`. */
  declare admissionCookie?: string;
  /** `fr` (default) or `en`; falls back to the document's language. */
  declare lang: string;

  private readonly idle = new IdleController(this);
  private readonly heartbeat = new HeartbeatController(this);
  private readonly ticker = new TickerController(this);
  private session?: Session;
  private starting?: Promise<void>;
  /** Set once the seat is released. */
  private ended?: IdleRelease;
  /** The release this page explains in a dialog (none after a logout here, or before leaving for logout-url). */
  private explained?: IdleRelease;
  private urls: { logout?: string; queue: string } = { queue: '/' };
  private announcement = '';
  private announcedMark?: number;
  private spokeAt = 0;
  private returnFocus?: HTMLElement;

  /** True while session mode watches this pupil: an admitted ticket was found and not yet released. */
  get running(): boolean {
    return this.session !== undefined && this.ended === undefined;
  }

  /**
   * Releases the seat now, for the ENT's logout button. Every tab of the ENT ends its session too.
   * Resolves once the server confirmed (or after a few seconds); this page stays where it is.
   */
  async release(): Promise<void> {
    // A logout button clicked while the stored ticket is still being read must release it all the same.
    await this.starting;
    return this.end({ reason: ReleaseReason.LOGOUT, skippedWarning: false }, false);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.ended) return;
    // Moved in the DOM: the controllers stopped on disconnection; the ticket found before still holds.
    if (this.session) this.watch(this.session);
    else this.starting ??= this.begin();
  }

  private async begin(): Promise<void> {
    const timing = parseIdleConfig({ idleTimeout: this.idleTimeout, idleWarning: this.idleWarning });
    for (const error of timing.errors) console.error(`<antichambre-session>: ${error.message}`);
    let config;
    try {
      config = parseWidgetConfig({ endpoint: this.endpoint, room: this.room, admissionCookie: this.admissionCookie }, document.baseURI);
    } catch (error) {
      console.error(`<antichambre-session>: ${(error as Error).message}; session mode is off.`);
      return;
    }
    this.urls = { logout: safeUrl(this.logoutUrl), queue: safeUrl(this.queueUrl) ?? new URL('/', document.baseURI).href };
    const store = createTicketStore(config.endpoint, config.room);
    const stored = await store.read();
    if (!stored?.id || !stored.ticket || !stored.admission) {
      if (!toldNoTicket) console.info(`<antichambre-session>: no admitted ticket stored for ${config.endpoint} room "${config.room}"; session mode is off.`);
      toldNoTicket = true;
      return;
    }
    this.session = {
      ticket: { endpoint: config.endpoint, room: config.room, id: stored.id, ticket: stored.ticket },
      store,
      key: stored.key,
      since: stored.updatedAt,
      admissionEndsAt: Date.parse(stored.admission.expiresAt),
      admissionCookie: config.admissionCookie,
      ...timing,
    };
    if (this.isConnected) this.watch(this.session);
  }

  private watch(session: Session): void {
    const channelName = tabChannelName(session.ticket.endpoint, session.ticket.room);
    this.idle.start({
      timeoutMs: session.timeoutMs,
      warningMs: session.warningMs,
      channelName,
      ignoreFocus: (target) => target === this,
      onActivity: () => this.heartbeat.activity(),
      onReleased: (release, elsewhere) => void this.end(release, elsewhere),
    });
    this.heartbeat.start({
      key: `${channelName}|heartbeat`,
      id: session.ticket.id,
      since: session.since,
      lastActivityAt: () => this.idle.lastActivityAt,
      admissionEndsAt: session.admissionEndsAt,
      send: () => sendHeartbeat(session.ticket, undefined, pageTimingToReport(session.ticket.id, Date.now())),
      onGone: () => void this.end({ reason: ReleaseReason.EXPIRED, skippedWarning: false }, false),
      onAdmission: (admission, serverTime) => {
        if (this.ended) return;
        renewAdmissionCookie(session.admissionCookie, admission, serverTime);
        // The next page of the ENT starts from this admission, not the one the login page stored.
        session.admissionEndsAt = Date.now() + Date.parse(admission.expiresAt) - serverTime;
        void session.store.save(session.key, { admission });
      },
    });
  }

  /** Release on the server, tell the page, forget the ticket and cookie, then leave or explain. */
  private async end(release: IdleRelease, elsewhere: boolean): Promise<void> {
    const session = this.session;
    if (!session || this.ended) return;
    this.ended = release;
    this.idle.release(release.reason);
    this.heartbeat.stop();
    // Another tab already told the server; an expired ticket has nothing left to release.
    const released = elsewhere || release.reason === ReleaseReason.EXPIRED ? Promise.resolve(true) : releaseKeepalive(session.ticket);
    const proceed = emit(this, 'antichambre-released', { reason: release.reason }, true);
    await session.store.clear(session.key);
    clearAdmissionCookie(session.admissionCookie);
    await Promise.race([released, new Promise((resolve) => setTimeout(resolve, RELEASE_WAIT_MS))]);
    // Logged out here: the ENT's own logout goes on. Vetoed: the page shows its own message.
    if (!proceed || (release.reason === ReleaseReason.LOGOUT && !elsewhere)) return;
    if (this.urls.logout) location.assign(this.urls.logout);
    else this.explained = release;
    this.requestUpdate();
  }

  private stay = () => this.idle.extend();

  private queueAgain = () => location.assign(this.urls.queue);

  /** Escape is "Je suis là" during the warning; after release there is nothing to go back to. */
  private onCancel = (event: Event) => {
    event.preventDefault();
    if (!this.ended) this.stay();
  };

  /**
   * Tab stays on the dialog's one button: a modal dialog does not hold focus on its own (Chromium lets Tab
   * leave for the browser's toolbar, and focus then falls to <body>, issue 14).
   */
  private onKeydown = (event: KeyboardEvent) => event.key === 'Tab' && event.preventDefault();

  private messages(): SessionMessages {
    return isEnglish(this.lang || document.documentElement.lang) ? sessionEn : sessionFr;
  }

  protected override willUpdate(): void {
    const warning = !this.ended && this.idle.phase === IdlePhase.WARNING;
    this.ticker.running = warning;
    if (!warning) {
      this.announcement = '';
      this.announcedMark = undefined;
      return;
    }
    const left = this.secondsLeft();
    // The dialog is announced as it opens; then the time left as it passes 60, 30 and 10 s, said once each.
    const mark = ANNOUNCE_AT_S.filter((s) => left <= s).pop() ?? Infinity;
    if (this.announcedMark !== undefined && mark < this.announcedMark && left > 0) {
      this.announcement = this.messages().remaining(left);
      this.spokeAt = left;
    } else if (left <= this.spokeAt - CLEAR_AFTER_S) this.announcement = '';
    this.announcedMark = mark;
  }

  private secondsLeft(): number {
    return Math.max(0, Math.ceil(((this.idle.releaseAt ?? Date.now()) - Date.now()) / 1000));
  }

  protected override render(): TemplateResult | typeof nothing {
    const t = this.messages();
    if (!this.ended && this.idle.phase === IdlePhase.WARNING) {
      return this.dialog(t, t.warningTitle, t.warningText(this.secondsLeft()), t.stay, this.stay, this.announcement);
    }
    const ended = this.explained;
    if (!ended) return nothing;
    return this.dialog(t, t.releasedTitle, `${t.released[ended.reason]}${ended.skippedWarning ? ` ${t.slept}` : ''}`, t.queueAgain, this.queueAgain);
  }

  /** One modal for both moments: announced as an alert dialog, its one button focused (Enter, Space). */
  private dialog(t: SessionMessages, title: string, text: string, button: string, onClick: () => void, live?: string): TemplateResult {
    return html`<dialog part="dialog" role="alertdialog" aria-modal="true" aria-labelledby="title" aria-describedby="text" lang=${t === sessionEn ? 'en' : 'fr'} @cancel=${this.onCancel} @keydown=${this.onKeydown}>
<h2 id="title">${title}</h2><p id="text">${text}</p><button part="button" type="button" @click=${onClick}>${button}</button>${
      live === undefined ? nothing : html`<div class="sr-only" aria-live="polite">${live}</div>`
    }</dialog>`;
  }

  protected override updated(): void {
    const dialog = this.renderRoot.querySelector('dialog');
    if (dialog && !dialog.open) {
      this.returnFocus ??= deepActiveElement();
      // A document without focus (a frame in a teacher's page, a window behind another) keeps it where it is:
      // the warning shows without taking focus (the open attribute runs no focusing steps), and becomes modal,
      // its button focused, once the document gets focus back.
      if (document.hasFocus()) dialog.showModal();
      else {
        dialog.setAttribute('open', '');
        addEventListener('focus', () => this.isConnected && dialog.isConnected && !dialog.matches(':modal') && (dialog.close(), dialog.showModal()), { once: true });
      }
    } else if (!dialog && this.returnFocus) {
      // The dialog went away with the warning: focus goes back where the pupil was.
      if (this.returnFocus.isConnected) this.returnFocus.focus();
      this.returnFocus = undefined;
    }
  }
}

function deepActiveElement(): HTMLElement | undefined {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active instanceof HTMLElement && active !== document.body ? active : undefined;
}

/** An http(s) URL resolved against the page, or undefined (with a console error for a bad value). */
function safeUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value, document.baseURI);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
  } catch {
    // reported below
  }
  console.error(`<antichambre-session>: "${value}" is not an http(s) URL; ignored.`);
  return undefined;
}
