/**
 * The optional "C'est votre tour" system notification, a chunk the entry loads only once a pupil is in
 * the waiting state in a browser that has notifications (the login page on an ordinary day never does).
 * - Permission "default": offers a button, "Me prévenir quand c'est mon tour"; permission is asked only
 *   when the pupil clicks it, never on its own.
 * - Permission "granted" (now or earlier): when the admission arrives while the page is hidden, shows
 *   "C'est votre tour" through the service worker's registration when antichambre's worker controls the
 *   page (its notificationclick focuses the tab: src/sw/focus-tab.ts), else with `new Notification`,
 *   whose click focuses this tab. The tag makes the notifications of several tabs one.
 * - Permission "denied": nothing.
 */
import { html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { TURN_TAG } from '../../sw/focus-tab.js';
import { turnNoticeTextsFor, type TurnNoticeTexts } from './turn-notice-texts.js';

/** What the widget lends this chunk: a place in its waiting panel, and its admission event. */
export interface TurnNoticeHost extends ReactiveControllerHost, HTMLElement {
  /** Rendered by the widget in its waiting panel. */
  turnNotice?: TemplateResult | typeof nothing;
}

/** The pieces of the browser it uses, injected so tests can stand in for them. */
export interface TurnNoticeEnv {
  Notification?: Pick<typeof Notification, 'permission' | 'requestPermission'> & (new (title: string, options?: NotificationOptions) => Notification);
  registration?: () => Promise<Pick<ServiceWorkerRegistration, 'showNotification' | 'active'> | undefined>;
  hidden?: () => boolean;
  focus?: () => void;
}

const offered = new WeakSet<TurnNoticeHost>();

const ourRegistration = async () => {
  const registration = await navigator.serviceWorker?.getRegistration();
  // Another worker of the ENT would not know to focus our tab on a click.
  return registration?.active?.scriptURL.includes('antichambre-sw') ? registration : undefined;
};

export function offerTurnNotice(host: TurnNoticeHost, env: TurnNoticeEnv = {}): void {
  const { Notification: Api = globalThis.Notification, registration = ourRegistration, hidden = () => document.hidden, focus = () => window.focus() } = env;
  if (!Api || offered.has(host)) return;
  offered.add(host);
  const t = turnNoticeTextsFor(host.lang || document.documentElement.lang);
  // Looked up ahead: at admission the page may leave at once for return-url, no time to wait for it.
  let worker: Awaited<ReturnType<typeof registration>>;
  let watching = false;

  const show = (content: TemplateResult | typeof nothing) => {
    host.turnNotice = content;
    host.requestUpdate();
  };

  const onAdmitted = () => hidden() && notify(Api, worker, t, focus);

  const watch = () => {
    if (watching) return;
    watching = true;
    void registration().then((found) => (worker = found), () => undefined);
    // A controller of the host's, so the listener follows the element in and out of the page (Lit calls
    // hostConnected at once when the host is already connected, which a waiting widget is).
    host.addController({
      hostConnected: () => host.addEventListener('antichambre-admitted', onAdmitted),
      hostDisconnected: () => host.removeEventListener('antichambre-admitted', onAdmitted),
    });
  };

  const ask = async () => {
    const answer = await Api.requestPermission();
    if (answer === 'granted') {
      watch();
      show(html`<p class="muted" role="status" tabindex="-1">${t.granted}</p>`);
      // The button the pupil pressed is gone: focus goes to what replaced it, never to <body>. (Denied, the
      // widget moves it to the panel's heading.)
      await host.updateComplete;
      host.shadowRoot?.querySelector<HTMLElement>('[role=status]')?.focus();
    } else if (answer === 'denied') show(nothing);
  };

  if (Api.permission === 'granted') watch();
  else if (Api.permission === 'default') show(html`<p><button part="button" type="button" @click=${ask}>${t.offer}</button></p>`);
}

function notify(Api: NonNullable<TurnNoticeEnv['Notification']>, worker: Awaited<ReturnType<NonNullable<TurnNoticeEnv['registration']>>>, t: TurnNoticeTexts, focus: () => void): void {
  const options: NotificationOptions = { body: t.body, tag: TURN_TAG, data: { url: location.href } };
  if (worker) {
    void worker.showNotification(t.title, options).catch(() => undefined);
    return;
  }
  try {
    const notification = new Api(t.title, options);
    notification.onclick = () => {
      focus();
      notification.close();
    };
  } catch {
    // Android's Chrome only shows notifications through a worker; the tab title says it anyway.
  }
}
