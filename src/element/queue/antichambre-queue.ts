/**
 * Bundle entry point: defines <antichambre-queue> and declares its tag and events for TypeScript users.
 * Loading the script twice (two bundles on one page) must not throw, hence the guard.
 */
import { AntichambreQueue } from './antichambre-queue.component.js';
import type { AntichambreEventDetails } from '../events.js';

export { AntichambreQueue };
export type { AntichambreEventDetails } from '../events.js';

if (!customElements.get('antichambre-queue')) customElements.define('antichambre-queue', AntichambreQueue);

declare global {
  interface HTMLElementTagNameMap {
    'antichambre-queue': AntichambreQueue;
  }
  interface GlobalEventHandlersEventMap {
    'antichambre-joined': CustomEvent<AntichambreEventDetails['antichambre-joined']>;
    'antichambre-position': CustomEvent<AntichambreEventDetails['antichambre-position']>;
    'antichambre-admitted': CustomEvent<AntichambreEventDetails['antichambre-admitted']>;
    'antichambre-error': CustomEvent<AntichambreEventDetails['antichambre-error']>;
  }
}

// Session mode (ENT pages after login) is a separate chunk the login page never downloads. Module
// scripts run once the document is parsed, so a page's <antichambre-session> is already there.
if (document.querySelector('antichambre-session')) import('../session/antichambre-session.js');
// The service worker too, only where the ENT asks for it (service-worker="/antichambre-sw.js?…").
const withWorker = document.querySelector('antichambre-queue[service-worker]');
if (withWorker) import('../../sw/register-worker.js').then((m) => m.registerWorker(withWorker));
