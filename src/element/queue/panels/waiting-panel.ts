/**
 * The waiting panel (position, people ahead, estimate, progress), a chunk the widget loads once the pupil
 * is in a line: on an ordinary day nobody waits, and the login bundle stays within its 15 KB budget
 * (issue 14 needed 700 bytes of it). It comes from the HTTP cache or the service worker's precache on a
 * reload; until it arrives the widget shows « Connexion à la file d'attente… ».
 */
import { adoptStyles, html, type LitElement, type TemplateResult } from 'lit';
import { etaRange, queueProgress } from '../../../core/wait/eta-range.js';
import type { TicketStatus } from '../../../core/protocol/protocol.js';
import type { WaitingRoomSnapshot } from '../../../core/wait/waiting-room.js';
import { heading } from '../heading.js';
import type { TurnNoticeHost } from '../../turn-notice/turn-notice.js';
import { waitingTextsFor } from '../i18n/waiting.js';
import { waitingStyles } from './waiting-panel.styles.js';

export interface WaitingView {
  /** The widget: its shadow root adopts the panel's styles, and it lends the turn notice its place. */
  host: LitElement & TurnNoticeHost;
  lang: string;
  locale: string;
  level: unknown;
  snap: WaitingRoomSnapshot;
  /** The last status: the server's, or the one kept in storage after a reload. */
  status: TicketStatus;
  /** A failure notice shown above the position (connection lost…), or nothing. */
  notice: unknown;
  /** The turn-notice chunk's offer, or nothing. */
  turnNotice: unknown;
}

/** What the live region says of `position`: the first time, or a change (the component says when). */
export const announcement = (lang: string, position: number, first: boolean): string =>
  (first ? waitingTextsFor(lang).announceFirst : waitingTextsFor(lang).announce)(position);

const styled = new WeakSet<LitElement>();
const offered = new WeakSet<LitElement>();

export function waitingPanel({ host, lang, locale, level, snap, status, notice, turnNotice }: WaitingView): TemplateResult {
  if (!styled.has(host)) {
    styled.add(host);
    adoptStyles(host.shadowRoot!, [...(host.constructor as typeof LitElement).elementStyles, waitingStyles]);
  }
  // "Me prévenir quand c'est mon tour": a chunk of its own, for a pupil really waiting where notifications exist.
  if (snap.phase === 'waiting' && self.Notification && !offered.has(host)) {
    offered.add(host);
    // A chunk that fails to load (offline, a deploy in between) only means no offer: the wait goes on.
    import('../../turn-notice/turn-notice.js').then((m) => m.offerTurnNotice(host), () => {});
  }
  const t = waitingTextsFor(lang);
  const position = status.position ?? 1;
  const progress = queueProgress(snap.joinPosition ?? position, position);
  const time = new Date(snap.lastUpdate!).toLocaleTimeString(locale);
  const grace = status.admitGraceSeconds;
  // Templates are written without indentation: Lit ships their whitespace as is.
  return html`<div part="panel" class="panel">${heading(level, t.title)}${notice}${status.lane ? html`<p part="lane"><strong>${t.lane(status.lane)}</strong></p>` : ''}<p class="muted">${t.intro}</p>
<p>${t.position} <strong part="position" class="position">${position}</strong></p><p>${t.ahead(status.ahead)}</p><p>${t.eta(etaRange(status))}</p>
<progress part="progress" aria-label=${t.progress} max="100" value=${progress}></progress>
<p class="muted">${t.keepOpen}${grace ? ` ${t.grace(Math.ceil(grace / 60))}` : ''}</p>${turnNotice}<p class="muted">${(snap.status ? t.updatedAt : t.lastKnown)(time)}</p></div>`;
}
