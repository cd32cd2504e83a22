/**
 * Admissions the gate already verified, by token. Behind nginx `auth_request` the gate is asked on
 * every request a pupil makes (pages, XHR, assets), always with the same cookie; an ES256 check costs
 * about 0.2 ms, a Map lookup nothing. Only valid tokens are kept, and expiry is checked again on each
 * hit, so a cached answer is the answer a fresh check would give: the same bytes, the same key.
 */
import type { VerifiedAdmission } from './verify-admission.js';

export class AdmissionCache {
  private readonly entries = new Map<string, VerifiedAdmission>();

  /** Bounded: the oldest entry goes first (Map keeps insertion order). */
  constructor(private readonly maxEntries = 10_000) {}

  /** The cached admission if still unexpired at `now`; drops it once expired. */
  get(token: string, now: number): VerifiedAdmission | undefined {
    const admission = this.entries.get(token);
    if (admission === undefined) return undefined;
    if (admission.expiresAt.getTime() <= now) {
      this.entries.delete(token);
      return undefined;
    }
    return admission;
  }

  set(token: string, admission: VerifiedAdmission): void {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, admission);
  }

  get size(): number {
    return this.entries.size;
  }
}
