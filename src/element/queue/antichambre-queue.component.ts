import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { AntichambreError, AntichambreErrorCode } from '../../core/protocol/errors.js';
import type { WaitingRoomSnapshot } from '../../core/wait/waiting-room.js';
import { parseWidgetConfig, type WidgetConfig } from '../../core/wait/widget-config.js';
import { QueueController } from './controllers/queue-controller.js';
import { TickerController } from '../ticker-controller.js';
import { emit } from '../events.js';
import { heading } from './heading.js';
import type { Messages } from './i18n/fr.js';
import { messagesFor, messagesReady } from './i18n/messages-for.js';
import { styles } from './antichambre-queue.styles.js';

/** Nothing shows during a join shorter than this: on an ordinary day the widget stays invisible. */
const JOINING_QUIET_MS = 1000;
/** Screen readers hear position changes at most this often. */
const ANNOUNCE_EVERY_MS = 60_000;
/**
 * The live region empties this long after it spoke, so that a screen reader's reading cursor never finds
 * a stale « position 15 » beside a screen showing 9 (issue 14). Speech already started is not cut.
 */
const CLEAR_AFTER_MS = 5_000;

type RarePanels = typeof import('./panels/rare-panels.js');
type WaitingPanel = typeof import('./panels/waiting-panel.js');

/**
 * A virtual waiting room for a login page: the pupil waits in line, then the login form appears.
 *
 * @summary Puts pupils in a fair line when too many sign in at once, and lets them in one by one.
 *
 * @slot - The login form, hidden while the pupil waits and revealed once admitted (when there is no return-url, or it is this page).
 *
 * @attr {string} heading-level - Level of the panel titles, `1`–`6` (default `2`: under the login page's `h1`).
 * @attr {string} pass - Optional priority pass (a JWT the ENT signs, docs/integration.md "Passes") sent with the join; absent, the first-party cookie `antichambre_pass` is sent if there is one. A refused pass only means the default line (one `console.info`).
 * @attr {string} service-worker - Optional URL of antichambre-sw.js on the ENT's origin, with its configuration (docs/service-worker.md). Read once, when the script loads.
 *
 * @csspart base - The wrapper of everything the widget shows.
 * @csspart panel - The box shown while there is a line (waiting, connection lost, expired, configuration error).
 * @csspart position - The pupil's position number.
 * @csspart lane - The « File prioritaire : personnels » line, shown only when a pass put the ticket in a priority line.
 * @csspart progress - The progress bar, a native `<progress>` (no inline style: it draws under a strict CSP).
 * @csspart button - The buttons: "continue" and "stay on this page" at admission, "try again now", "take a new place", and "notify me when it is my turn" (offered while waiting where the browser has notifications; permission is asked only on its click).
 *
 * @cssproperty --antichambre-accent - Progress bar, button, link and focus colour (default #0b5cad).
 * @cssproperty --antichambre-color - Panel text colour.
 * @cssproperty --antichambre-background - Panel background.
 * @cssproperty --antichambre-radius - Panel corner radius.
 *
 * @fires antichambre-joined - The pupil holds a place: `{id, position, resumed, lane}` (`lane`: the priority line a pass gave, e.g. `personnels`; undefined in the default line).
 * @fires antichambre-position - Position or estimate changed: `{position, ahead, etaSeconds}`.
 * @fires antichambre-admitted - The pupil may go in: `{token, expiresAt}`, again for each renewed token while the page shows the admission. Cancelable: `preventDefault()` stops the navigation to return-url (which happens on « Continuer » or after a 20-second countdown the pupil can stop, at most once per admission, never to the page itself, only with a valid token).
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
    headingLevel: { attribute: 'heading-level' },
    pass: {},
  };

  /** Base URL of the queue API, e.g. `https://file.ent.example/api/v1` (required). */
  declare endpoint?: string;
  /** Room id: 1–64 characters of a-z, 0-9 and "-" (required). */
  declare room?: string;
  /** Where to go once admitted. Without it, or when it is this very page, the slotted content is revealed instead. */
  declare returnUrl?: string;
  /** `fr` (default) or `en`; falls back to the document's language. */
  declare lang: string;
  /** First-party cookie that receives the admission token. Default `antichambre_admission`. */
  declare admissionCookie?: string;
  /** `wait` (default) or `open`: what to do if the queue API has never answered after several tries. */
  declare whenUnreachable?: string;
  /** Level of the panel titles, 1–6 (default 2). */
  declare headingLevel?: string;
  /** A priority pass the ENT signed for this user (docs/integration.md, "Passes"); without it, the cookie `antichambre_pass` if any. */
  declare pass?: string;

  /** Set by configure(), which runs inside willUpdate: the same update renders it, so it need not be reactive. */
  private configError?: AntichambreError;
  private config?: WidgetConfig;
  private readonly queue = new QueueController(this, (code, hasTicket) => this.describe(code, hasTicket));
  private readonly ticker = new TickerController(this);
  /** Whether the pupil has seen the waiting UI: then admission is said aloud rather than silent. */
  private sawLine?: boolean;
  private announcement?: string;
  private announced = { at: -Infinity, position: 0 };
  /** The phase (and error code) last said aloud: each is said once. */
  private said?: string;
  private quiet?: ReturnType<typeof setTimeout>;
  /** Whether focus was inside the widget before this update, and whether to move it to a `data-focus` button. */
  private hadFocus?: boolean;
  private focusNext?: boolean;
  /** The lazy chunk of the rare panels (null while it loads). */
  private panels?: RarePanels | null;
  /** The lazy chunk of the waiting panel (null while it loads). */
  private waiting?: WaitingPanel | null;
  /** The turn-notice chunk's button or message (the waiting panel chunk offers it), shown in the waiting panel. */
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
    const queue = this.queue;
    if (queue.leaveAt! <= Date.now()) queue.go();
    this.ticker.running = !this.configError && (phase === 'joining' || phase === 'verifying' || phase === 'reconnecting' || phase === 'error' || queue.leaveAt! < Infinity);
    if (phase !== 'admitted' && phase !== 'unreachable-open' && (phase !== 'joining' || this.joiningVisible())) this.sawLine = true;
    // The waiting panel, once there is a line to show (a kept position after a reload, or a join that lasts).
    if ((this.sawLine || snap?.kept) && this.waiting === undefined) {
      this.waiting = null;
      import('./panels/waiting-panel.js').then((m) => ((this.waiting = m), this.requestUpdate()), () => {});
    }
    // The rare panels, a chunk of their own; these states come from a server answer, so the network is there.
    if ((this.configError || phase === 'expired' || (phase === 'admitted' && this.config?.returnUrl)) && this.panels === undefined) {
      this.panels = null;
      import('./panels/rare-panels.js').then((m) => ((this.panels = m), this.requestUpdate()), () => {});
    }
    this.hadFocus = !!this.shadowRoot?.activeElement;
    this.updateAnnouncement(snap, phase);
  }

  /** Focus never falls to <body>: when the focused control went away, to the panel's heading; on a new panel, to its button. */
  protected override updated(): void {
    const root = this.shadowRoot!;
    const selector = this.focusNext ? '[data-focus]' : this.hadFocus && !root.activeElement && '[tabindex="-1"]';
    const target = selector && root.querySelector<HTMLElement>(selector);
    if (target) {
      target.focus();
      this.focusNext = false;
    }
  }

  private configure(): void {
    try {
      const config = parseWidgetConfig(this, document.baseURI, location.href, document.cookie);
      this.configError = undefined;
      if (JSON.stringify(config) === JSON.stringify(this.config)) return;
      this.config = config;
      this.queue.start(config);
    } catch (error) {
      this.config = undefined;
      this.queue.reset();
      this.configError = error as AntichambreError;
      // The pupil reads « prévenez votre professeur »; the integrator finds the detail here and in the event.
      const message = this.describe(this.configError.code);
      console.error(`<antichambre-queue>: ${message}`);
      emit(this, 'antichambre-error', { code: this.configError.code, message, retryInMs: null });
    }
  }

  private joiningVisible(): boolean {
    return this.sawLine || Date.now() - this.queue.startedAt >= JOINING_QUIET_MS;
  }

  /** Puts `text` in the live region, and empties it a few seconds later. */
  private say(text: string): void {
    this.announcement = text;
    clearTimeout(this.quiet);
    this.quiet = setTimeout(() => ((this.announcement = ''), this.requestUpdate()), CLEAR_AFTER_MS);
  }

  /**
   * Each phase (and each error code) is said once as it begins; positions at most once a minute. The
   * expired and configuration panels speak for themselves (role="alert"), so does the idle of a quick join.
   */
  private updateAnnouncement(snap: WaitingRoomSnapshot | undefined, phase: string): void {
    const t = this.messages();
    const queue = this.queue;
    const position = phase === 'waiting' ? snap!.status?.position : null;
    const leaving = queue.leaveAt! < Infinity;
    const key = this.configError ? 'config' : phase + (snap?.code ?? '') + leaving;
    if (key !== this.said) {
      // Expiry takes focus to « Reprendre une place », admission to « Continuer », if focus is free to take.
      this.focusNext = (phase === 'expired' || leaving) && document.hasFocus() && (this.hadFocus || document.activeElement === document.body);
      const text =
        phase === 'joining' || phase === 'verifying'
          ? this.joiningVisible() && t[phase]
          : phase === 'reconnecting' || phase === 'error'
            ? this.describe(snap!.code!, snap!.ticketId !== undefined)
            : phase === 'admitted'
              ? leaving
                ? this.panels && this.panels.turnAnnouncement(this.language(), queue.leaveAt!)
                : this.sawLine && !this.config?.returnUrl && t.admitted
              : phase === 'waiting'
                ? position && this.waiting?.announcement(this.language(), position, this.announced.at < 0)
                : '';
      // Not yet sayable (a quiet join, a chunk loading): try again at the next update.
      if (typeof text !== 'string') return;
      this.said = key;
      if (text) this.say(text);
    } else if (!(position && position !== this.announced.position && Date.now() - this.announced.at >= ANNOUNCE_EVERY_MS)) return;
    // The same phase was said, so the waiting chunk that says positions is here.
    else this.say(this.waiting!.announcement(this.language(), position, false));
    if (position) this.announced = { at: Date.now(), position };
    // A pupil reading another tab sees it in the tab bar; every tab hears it (the leader shares the state).
    if (phase === 'admitted' && document.hidden) document.title = t.admitted;
  }

  /** What the pupil is told for an error code (also the `message` of `antichambre-error`). */
  private describe(code: AntichambreErrorCode, hasTicket?: boolean): string {
    const t = this.messages();
    const attribute = code.replace(/^(bad|missing)-/, '');
    if (attribute !== code) return t.badAttribute(attribute);
    // A code with a text of its own is a key of the messages (credential-rejected, admission-unclaimed…).
    const own = (t as Partial<Record<AntichambreErrorCode, string>>)[code];
    if (own) return own;
    if (code.startsWith('ticket-')) return t.expired;
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
    // A configuration error shows the form too: the pupil can still sign in while an adult is told.
    const open = this.configError || (!this.config?.returnUrl && (phase === 'admitted' || phase === 'unreachable-open'));
    return html`<div part="base" lang=${t.locale.slice(0, 2)}>${this.renderState(t)}<div class="sr-only" aria-live="polite">${this.announcement}</div></div>${open ? html`<slot></slot>` : nothing}`;
  }

  private renderState(t: Messages): unknown {
    const panels = this.panels;
    const lang = this.language();
    const level = this.headingLevel;
    if (this.configError) return panels?.configPanel(lang, level);
    const snap = this.queue.snapshot;
    const queue = this.queue;
    switch (snap?.phase ?? 'joining') {
      case 'joining':
      // Solving the proof of work a room under attack asks for: said only if it lasts, like joining.
      case 'verifying':
        // After a reload: the place kept in storage at once, marked as such until the server answers (issue 11).
        if (snap?.kept?.position) return this.renderWaiting(t, snap, nothing, snap.kept);
        return this.joiningVisible() ? html`<div part="panel" class="panel">${heading(level, snap?.phase === 'verifying' ? t.verifying : t.joining)}</div>` : nothing;
      case 'waiting':
        return this.renderWaiting(t, snap!);
      case 'reconnecting':
      case 'error':
        return this.renderRetrying(t, snap!);
      case 'expired':
        return panels?.expiredPanel(lang, level, this.describe(snap!.code!), () => this.rejoin());
      case 'admitted': {
        const held = queue.held;
        const url = this.config?.returnUrl;
        if (url) return panels?.admittedPanel({ lang, level, url, held, leaveAt: queue.leaveAt, admitted: t.admitted, go: () => queue.go(), stay: () => ((queue.leaveAt = Infinity), this.requestUpdate()) });
        return this.sawLine || held !== undefined ? html`<div part="panel" class="panel">${heading(level, t.admitted)}</div>` : nothing;
      }
      default:
        return nothing;
    }
  }

  private renderRetrying(t: Messages, snap: WaitingRoomSnapshot): unknown {
    // The countdown is the scheduler's own deadline; offline there is none, and none is promised.
    const retry = snap.retryAt === undefined ? '' : `, ${t.retryIn(Math.max(0, Math.ceil((snap.retryAt - Date.now()) / 1000)))}`;
    const notice = html`<p class="notice" tabindex="-1">${this.describe(snap.code!, snap.ticketId !== undefined)}${retry}.</p>${
      snap.retryAt === undefined ? nothing : html`<p><button part="button" type="button" @click=${() => this.queue.retryNow()}>${t.retryNow}</button></p>`
    }`;
    return snap.status || snap.kept?.position ? this.renderWaiting(t, snap, notice, snap.status ?? snap.kept) : html`<div part="panel" class="panel">${notice}</div>`;
  }

  private renderWaiting(t: Messages, snap: WaitingRoomSnapshot, notice: unknown = nothing, status = snap.status!): unknown {
    const waiting = this.waiting;
    // Until the waiting chunk is here (a few ms, from the cache on a reload): the joining panel.
    if (!waiting) return html`<div part="panel" class="panel">${heading(this.headingLevel, t.joining)}${notice}</div>`;
    return waiting.waitingPanel({ host: this, lang: this.language(), locale: t.locale, level: this.headingLevel, snap, status, notice, turnNotice: this.turnNotice });
  }
}
