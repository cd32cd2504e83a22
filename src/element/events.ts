/** The element's events and their details: one typed helper dispatches them all, bubbling out of shadow roots. */
import type { AntichambreErrorCode } from '../core/protocol/errors.js';
import type { ReleaseReason } from '../core/session/idle.js';

export interface AntichambreEventDetails {
  /**
   * The pupil holds a place (fresh join, or a stored ticket the server confirmed after a reload). `lane`: the
   * priority line a pass put the ticket in (e.g. "personnels"); undefined in the default line.
   */
  'antichambre-joined': { id: string; position: number | null; resumed: boolean; lane?: string };
  'antichambre-position': { position: number; ahead: number; etaSeconds: number | null };
  /**
   * Each new admission token (a page back from the gate gets renewed ones). Cancelable: preventDefault()
   * stops the navigation to return-url (the cookie is set anyway).
   */
  'antichambre-admitted': { token: string; expiresAt: string };
  'antichambre-error': { code: AntichambreErrorCode; message: string; retryInMs: number | null };
  /**
   * <antichambre-session> gave the seat back: `idle` (the warning ran out), `logout` (release() was called,
   * here or in another tab), `expired` (the server no longer held it). Cancelable: preventDefault() keeps
   * the page as it is (no logout-url, no message), for an ENT that shows its own.
   */
  'antichambre-released': { reason: ReleaseReason };
}

export type AntichambreEventName = keyof AntichambreEventDetails;

/** Returns false when a listener called preventDefault() on a cancelable event. */
export function emit<K extends AntichambreEventName>(target: EventTarget, name: K, detail: AntichambreEventDetails[K], cancelable?: boolean): boolean {
  return target.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable }));
}
