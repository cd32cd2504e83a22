/**
 * Is the seat behind an admission still held? The `/verify` gate asks the store (`Store.isAdmitted`,
 * O(1), read-only) so that a released or expired seat stops passing within 2 s, not at the token's
 * `exp`. Behind nginx `auth_request` one pupil's page load makes dozens of gate requests at once (page,
 * scripts, XHR): one store read per ticket per 2 s answers them all, and concurrent requests share the
 * read in flight. A store that cannot answer (Redis down) counts as "held": the token is short-lived
 * anyway, and a gate that locks every pupil out because of a store fault is worse than one that lets
 * an ended seat through for at most admissionTtl.
 */
import type { Store } from '../stores/store.js';

/** The longest a verdict is reused: the bound, after a release, for a token to stop passing. */
export const SEAT_CHECK_MAX_AGE_MS = 2000;

interface Entry {
  at: number;
  held: Promise<boolean>;
}

export class SeatCheck {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly store: Store,
    private readonly maxAgeMs = SEAT_CHECK_MAX_AGE_MS,
    /** Bounded: the oldest entry goes first (Map keeps insertion order). 10,000 pupils ≈ 1 MB. */
    private readonly maxEntries = 10_000,
  ) {}

  held(room: string, ticketId: string, now: number): Promise<boolean> {
    const key = `${room}/${ticketId}`;
    const cached = this.entries.get(key);
    if (cached !== undefined) {
      if (now >= cached.at && now - cached.at < this.maxAgeMs) return cached.held;
      this.entries.delete(key);
    }
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    const held = this.store.isAdmitted(room, ticketId, now).catch(() => true);
    this.entries.set(key, { at: now, held });
    return held;
  }
}
