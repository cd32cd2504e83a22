/**
 * The waiting page's helper, `dist/antichambre-waiting.js`: the page the worker serves while the ENT's
 * login page fails must not send an admitted pupil back to that page (which would fail again and show
 * the waiting page again, in a loop). So the waiting page's widget has no `return-url`: once admitted it
 * reveals its content, which says "c'est votre tour, mais l'ENT ne répond pas encore", and this script
 * asks the login page, at a modest jittered pace (src/sw/page-retry.ts) or when the pupil presses the
 * button, whether it answers; then it goes there. The stored admission (and its cookie) are kept.
 *
 * Markup it looks for (see demo/example-ent/waiting.html), inside the page's <antichambre-queue>:
 *   <div data-login-page="/login"> … <span data-retry-status></span> <button data-retry-now> … </div>
 * Load it before antichambre.js, so that it hears the admission even when the stored one comes at once.
 *
 * A probe gets less time than the worker gives the login page's navigation (its `timeout=`, read from the
 * worker controlling this page), and the count of tries is kept in sessionStorage: a page that answers a
 * probe but still times the navigation out brings the pupil back here at a slower pace, not in a loop.
 */
import { createPageRetry, probeTimeoutFor, type PageRetry } from './page-retry.js';
import { parseWorkerConfig } from './worker-config.js';
import { waitingPageTextsFor } from '../element/queue/i18n/waiting-page.js';

const box = document.querySelector<HTMLElement>('[data-login-page]');
const queue = box?.closest('antichambre-queue');

/** The worker's navigation timeout, when a worker serves this page (it does, as the fallback page). */
const workerTimeoutSeconds = (): number => {
  const script = navigator.serviceWorker?.controller?.scriptURL;
  return parseWorkerConfig(script ?? 'https://worker.invalid/').timeoutSeconds;
};

const session = (): Storage | undefined => {
  try {
    return sessionStorage;
  } catch {
    return undefined; // storage blocked: the pace starts afresh on each visit
  }
};

if (box && queue) {
  const t = waitingPageTextsFor(queue.lang || document.documentElement.lang);
  const status = box.querySelector<HTMLElement>('[data-retry-status]');
  const button = box.querySelector<HTMLButtonElement>('[data-retry-now]');
  const login = new URL(box.dataset.loginPage!, location.href).href;
  let retry: PageRetry | undefined;
  let next: number | null = null;
  let tries = 0;

  const show = () => {
    if (status) status.textContent = `${tries ? `${t.again} ` : ''}${next === null ? t.trying : t.next(Math.max(0, Math.ceil((next - Date.now()) / 1000)))}`;
    if (button) button.disabled = next === null;
  };

  const admitted = () => {
    if (retry) return;
    // Lets the page hide the widget's own "vous pouvez vous connecter" (::part(panel)): this box says more.
    queue.setAttribute('data-ent-down', '');
    retry = createPageRetry({
      url: login,
      timeoutMs: probeTimeoutFor(workerTimeoutSeconds()),
      memory: session(),
      onReady: () => location.assign(login),
      onWait: (at, count) => {
        [next, tries] = [at, count];
        show();
      },
    });
    retry.start();
    setInterval(show, 1000);
    button?.addEventListener('click', () => void retry!.tryNow());
  };

  queue.addEventListener('antichambre-admitted', admitted);
  // Loaded after the widget, the admission may already have happened.
  void customElements.whenDefined('antichambre-queue').then(() => queue.phase === 'admitted' && admitted());
}
