/** The element's events and their details: one typed helper dispatches them all, bubbling out of shadow roots. */
import type { AntichambreErrorCode } from '../core/errors.js';

export interface AntichambreEventDetails {
  /** The pupil holds a place (fresh join, or a stored ticket the server confirmed after a reload). */
  'antichambre-joined': { id: string; position: number | null; resumed: boolean };
  'antichambre-position': { position: number; ahead: number; etaSeconds: number | null };
  /** Cancelable: preventDefault() stops the navigation to return-url (the cookie is set anyway). */
  'antichambre-admitted': { token: string; expiresAt: string };
  'antichambre-error': { code: AntichambreErrorCode; message: string; retryInMs: number | null };
}

export type AntichambreEventName = keyof AntichambreEventDetails;

/** Returns false when a listener called preventDefault() on a cancelable event. */
export function emit<K extends AntichambreEventName>(target: EventTarget, name: K, detail: AntichambreEventDetails[K], cancelable = false): boolean {
  return target.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable }));
}
