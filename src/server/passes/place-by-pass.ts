/**
 * The lane a join with a pass goes to: the pass's lane when it is valid for this room and its subject holds
 * no other live ticket here; otherwise the default lane, with the reason (`passRefused`) for the widget's
 * console line. Never throws for a bad pass; a store fault is the join's own 503, as without a pass.
 */
import type { PassRefusal } from '../../core/protocol/protocol.js';
import type { Store } from '../stores/store.js';
import type { PassKeyStore } from './pass-key-store.js';
import type { PassKeyring } from './pass-keyring.js';
import type { PassSubjects } from './pass-subjects.js';
import { verifyPass } from './verify-pass.js';

/** Everything passes need, made once per app (http/app.ts). */
export interface Passes {
  keys: PassKeyStore;
  keyring: PassKeyring;
  subjects: PassSubjects;
}

export type PassPlacement = { lane: string; subject: string; refused?: undefined } | { lane?: undefined; subject?: undefined; refused: PassRefusal };

export async function placeByPass(passes: Passes, store: Store, room: string, key: string, pass: string, now: number): Promise<PassPlacement> {
  const keys = await passes.keys.get(room, now);
  // The room's lanes are read only for a pass whose signature holds: a flood of forged passes costs the
  // store what plain joins cost (it cost one more script each: test/server/passes/pass-replay.test.ts).
  const check = await verifyPass(pass, { id: room, lanes: () => roomLanes(store, room, now) }, passes.keyring.lookup(keys), now);
  if (!check.ok) return { refused: check.refusal };
  const { lane, subject } = check.pass;
  return (await holdsSubject(passes.subjects, store, room, subject, key, now)) ? { lane, subject } : { refused: 'pass-subject-busy' };
}

/** After the join: the subject's record names the ticket, so a later join can ask whether it is still live. */
export async function bindPassTicket(passes: Passes, room: string, placement: PassPlacement, key: string, ticketId: string, now: number): Promise<void> {
  if (placement.subject !== undefined) await passes.subjects.bind(room, placement.subject, key, ticketId, now);
}

/**
 * Whether `key` may hold the subject: it holds it already (a re-join gets its own ticket back), nobody
 * did, or the holder's ticket has ended. A holder whose join is still in flight keeps it.
 */
async function holdsSubject(subjects: PassSubjects, store: Store, room: string, subject: string, key: string, now: number): Promise<boolean> {
  const holder = await subjects.claim(room, subject, key, now);
  if (holder.key === key) return true;
  // Read-only (Store.isLive): asking must not keep the ticket alive, or replaying the pass every minute held
  // an abandoned ticket, and the subject, for ever (test/server/passes/pass-replay.test.ts).
  if (holder.ticketId === null || (await store.isLive(room, holder.ticketId, now))) return false;
  return subjects.takeOver(room, subject, holder, key, now);
}

async function roomLanes(store: Store, room: string, now: number): Promise<string[]> {
  const snapshot = await store.roomStatus(room, now);
  return snapshot?.settings.lanes?.map((lane) => lane.name) ?? [];
}
