/**
 * The panels few pupils ever see, a chunk the widget loads when one is needed (the login page on an
 * ordinary day never does; the 15 KB budget of issue 14 had 28 bytes left):
 * - admitted with a return-url: « C'est votre tour ! », a 20-second countdown the pupil can stop
 *   (RGAA 13.1.2: no change of context the pupil cannot control), « Continuer » and « Rester sur cette page »;
 * - the place expired: why, and « Reprendre une place dans la file »;
 * - a configuration error: « prévenez votre professeur » (the login form shows below it).
 * The button to focus when the panel appears carries `data-focus`; the widget decides whether to move focus.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { heading } from '../heading.js';
import { rarePanelTextsFor } from '../i18n/rare-panels.js';

export interface AdmittedView {
  lang: string;
  level: unknown;
  url: string;
  /** When the page leaves for `url` (page clock); Infinity once the pupil chose to stay; undefined when it will not. */
  leaveAt?: number;
  /** True after a bounce from the gate. */
  held?: boolean;
  /** The fixed text when the widget does not navigate (no countdown): « C'est votre tour ! Vous pouvez… ». */
  admitted: string;
  go: () => void;
  stay: () => void;
}

/** Whole seconds left before leaving, for the panel and what the widget says aloud. */
export const secondsLeft = (leaveAt: number) => Math.max(0, Math.ceil((leaveAt - Date.now()) / 1000));

/** Said once when the countdown starts: the turn, and how long before the page changes. */
export const turnAnnouncement = (lang: string, leaveAt: number) => {
  const t = rarePanelTextsFor(lang);
  return `${t.turn} ${t.leaving(secondsLeft(leaveAt))}`;
};

export function admittedPanel(v: AdmittedView): TemplateResult {
  const t = rarePanelTextsFor(v.lang);
  if (v.leaveAt === undefined) {
    // Not navigating (a bounce, the Back button, another tab went, or the page vetoed it): a plain link.
    return html`<div part="panel" class="panel">${heading(v.level, v.held ? t.bounced : v.admitted)}<p><a href=${v.url}>${t.continue}</a></p></div>`;
  }
  const counting = v.leaveAt !== Infinity;
  return html`<div part="panel" class="panel">${heading(v.level, t.turn)}<p>${counting ? t.leaving(secondsLeft(v.leaveAt)) : t.paused}</p>
<p><button part="button" type="button" data-focus @click=${v.go}>${t.continue}</button> ${
    counting ? html`<button part="button" type="button" @click=${v.stay}>${t.stay}</button>` : nothing
  }</p></div>`;
}

export function expiredPanel(lang: string, level: unknown, why: string, rejoin: () => void): TemplateResult {
  const t = rarePanelTextsFor(lang);
  // An alert: the pupil must hear at once that the place is gone; focus then goes to the one way out.
  return html`<div part="panel" class="panel">${heading(level, t.expiredTitle)}<p role="alert">${why}</p><button part="button" type="button" data-focus @click=${rejoin}>${t.rejoin}</button></div>`;
}

export function configPanel(lang: string, level: unknown): TemplateResult {
  return html`<div part="panel" class="panel" role="alert">${heading(level, rarePanelTextsFor(lang).config)}</div>`;
}
