/**
 * A priority pass: a JWT the ENT signs after a normal login, naming a lane of one room, a subject and an
 * expiry (docs/integration.md, "Passes"). This checks one; it never throws for a bad pass: a refusal is
 * an answer (the pupil joins the default lane and the widget writes one console line), not an error.
 */
import { errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { PassRefusal } from '../../core/protocol/protocol.js';

/** The ENT's choice of three widely available algorithms; HS256 (a shared secret) and `none` never. */
export const PASS_ALGORITHMS = ['ES256', 'EdDSA', 'RS256'];
/** 4 KiB: an RS256 pass with a long subject is under 1 KiB; a cookie cannot hold more than 4 KiB anyway. */
export const MAX_PASS_LENGTH = 4096;
/**
 * 7 days: the pass reaches the login page in a cookie set at the previous sign-in, so it must outlive a
 * weekend (Friday 17:00 to Monday 07:50 is 63 h; with 24 h every Monday's staff lost the lane, and every
 * teacher the morning after a day off). Longer is a pass that leaks forever; the ENT mints a fresh one at
 * each sign-in, and one ticket at a time per subject limits what a copied pass buys.
 */
export const MAX_PASS_LIFETIME_MS = 7 * 24 * 3600 * 1000;
/**
 * 5 s: the ENT and this server both keep NTP time (offsets of milliseconds); 5 s forgives a VM that lost a
 * few seconds without extending a pass noticeably (passes live hours).
 */
export const PASS_CLOCK_TOLERANCE_S = 5;

export interface AcceptedPass {
  lane: string;
  /** The ENT's opaque subject: one live ticket per subject per room (pass-subjects.ts). */
  subject: string;
}

export type PassCheck = { ok: true; pass: AcceptedPass } | { ok: false; refusal: PassRefusal };

/**
 * `lanes`: the room's lane names (not "default"), or how to read them: then read only once the signature
 * holds (place-by-pass.ts). `getKey`: the room's keys (pass-keyring.ts), undefined when the room has none.
 * `now`: ms since the epoch.
 */
export async function verifyPass(
  pass: string,
  room: { id: string; lanes: readonly string[] | (() => Promise<readonly string[]>) },
  getKey: JWTVerifyGetKey | undefined,
  now: number,
): Promise<PassCheck> {
  if (pass.length > MAX_PASS_LENGTH) return refuse('pass-invalid');
  if (getKey === undefined) return refuse('pass-keys-missing');
  let payload;
  try {
    ({ payload } = await jwtVerify(pass, getKey, {
      algorithms: PASS_ALGORITHMS,
      audience: room.id,
      requiredClaims: ['exp', 'sub'],
      clockTolerance: PASS_CLOCK_TOLERANCE_S,
      currentDate: new Date(now),
    }));
  } catch (error) {
    return refuse(refusalOf(error));
  }
  if ((payload.exp ?? 0) * 1000 > now + MAX_PASS_LIFETIME_MS + PASS_CLOCK_TOLERANCE_S * 1000) return refuse('pass-invalid');
  const { lane, sub } = payload;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 256) return refuse('pass-invalid');
  if (typeof lane !== 'string') return refuse('pass-unknown-lane');
  const lanes = typeof room.lanes === 'function' ? await room.lanes() : room.lanes;
  if (!lanes.includes(lane)) return refuse('pass-unknown-lane');
  return { ok: true, pass: { lane, subject: sub } };
}

function refusalOf(error: unknown): PassRefusal {
  if (error instanceof errors.JWTExpired) return 'pass-expired';
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'aud') return 'pass-wrong-room';
  // The keys could not be had (JWKS URL down, slow or answering junk): nothing is known of the pass.
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || error instanceof PassKeysUnavailable) return 'pass-keys-missing';
  return 'pass-invalid';
}

/** Thrown by a key lookup when the room's JWKS URL cannot be read now (pass-keyring.ts). */
export class PassKeysUnavailable extends Error {
  override name = 'PassKeysUnavailable';
}

const refuse = (refusal: PassRefusal): PassCheck => ({ ok: false, refusal });
