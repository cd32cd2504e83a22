/**
 * Defines <antichambre-session>. Loaded on demand by the antichambre.js entry when a page has the
 * element (a separate chunk: the login page never pays for it), or imported directly.
 */
import { AntichambreSession } from './antichambre-session.component.js';
import type { AntichambreEventDetails } from '../events.js';

export { AntichambreSession };

if (!customElements.get('antichambre-session')) customElements.define('antichambre-session', AntichambreSession);

declare global {
  interface HTMLElementTagNameMap {
    'antichambre-session': AntichambreSession;
  }
  interface GlobalEventHandlersEventMap {
    'antichambre-released': CustomEvent<AntichambreEventDetails['antichambre-released']>;
  }
}
