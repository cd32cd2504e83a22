/**
 * For Node ENT backends (and the `/verify` gate): is this admission token genuine, current, and for
 * this room? Answers a typed verdict instead of throwing, so a caller cannot forget a failure case.
 *
 * ```ts
 * import { verifyAdmission } from 'antichambre/verify-admission';
 * const verdict = await verifyAdmission(cookie, {
 *   jwksUrl: 'https://queue.ent.example/api/v1/.well-known/jwks.json',
 *   issuer: 'https://queue.ent.example',
 *   room: 'college-jean-moulin',
 * });
 * if (!verdict.valid) return redirectToWaitingRoom(verdict.reason);
 * ```
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWK, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { DEFAULT_ISSUER } from '../config/settings.js';

export interface VerifyAdmissionOptions {
  /** `{endpoint}/.well-known/jwks.json` of the queue server. Fetched once, cached, refetched for an unknown `kid`. */
  jwksUrl?: string | URL;
  /** Or the key itself: the ES256 public key (KeyObject, CryptoKey, JWK or PEM text), or the HS256 key bytes. */
  key?: KeyObject | CryptoKey | JWK | Uint8Array | string;
  /** Expected `iss`: the queue server's `--issuer`. Default `antichambre`. */
  issuer?: string;
  /** Expected `aud`: the room (or rooms) this page belongs to. Omit only when any room will do. */
  room?: string | readonly string[];
  /** Seconds of clock skew forgiven between the queue server and this host. Default 5. */
  clockToleranceSeconds?: number;
  /** The clock, in ms since the epoch; for tests. */
  now?: () => number;
}

export type AdmissionFailure =
  /** Not a JWT at all, or not one of ours (wrong `typ`, missing claims). */
  | 'malformed'
  /** Forged or tampered with, or signed with an algorithm we do not accept. */
  | 'invalid-signature'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-room'
  | 'wrong-issuer'
  /** Signed with a `kid` the JWKS does not list (another queue server, or a key not shared between instances). */
  | 'unknown-key'
  /** The JWKS could not be fetched: the token may be fine, the caller decides (usually: fail closed). */
  | 'keys-unavailable';

export interface VerifiedAdmission {
  room: string;
  ticketId: string;
  issuer: string;
  issuedAt: Date;
  expiresAt: Date;
  /** `jti`: unique per token, for ENTs that want one-time use. */
  tokenId: string | null;
}

export type AdmissionVerdict =
  | { valid: true; admission: VerifiedAdmission }
  | { valid: false; reason: AdmissionFailure; message: string };

export type AdmissionVerifier = (token: string) => Promise<AdmissionVerdict>;

/** Remote key sets by URL, so every call does not refetch the JWKS. */
const remoteKeySets = new Map<string, JWTVerifyGetKey>();

export function verifyAdmission(token: string, options: VerifyAdmissionOptions): Promise<AdmissionVerdict> {
  return createAdmissionVerifier(options)(token);
}

/** The same check with the key resolved once: what a gate serving many requests should hold on to. */
export function createAdmissionVerifier(options: VerifyAdmissionOptions): AdmissionVerifier {
  const { key, algorithms } = resolveKey(options);
  const issuer = options.issuer ?? DEFAULT_ISSUER;
  const rooms = options.room === undefined ? undefined : typeof options.room === 'string' ? [options.room] : [...options.room];
  return async (token) => {
    if (!canonicalSignature(token)) return { valid: false, reason: 'malformed', message: 'The admission token signature is not canonical base64url.' };
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms,
        issuer,
        audience: rooms,
        typ: 'JWT',
        requiredClaims: ['sub', 'aud', 'iat', 'exp'],
        clockTolerance: options.clockToleranceSeconds ?? 5,
        ...(options.now ? { currentDate: new Date(options.now()) } : {}),
      });
      return { valid: true, admission: admissionOf(payload, rooms) };
    } catch (error) {
      return failure(error);
    }
  };
}

/**
 * jose decodes the signature leniently: an ES256 signature (64 bytes, 86 characters) has 4 spare bits in
 * its last character, so 16 spellings verify. One token, one spelling: a gate or an ENT that remembers
 * tokens (jti, caches) must not see the same admission under another name.
 */
function canonicalSignature(token: string): boolean {
  const signature = token.slice(token.lastIndexOf('.') + 1);
  return Buffer.from(signature, 'base64url').toString('base64url') === signature;
}

function resolveKey(options: VerifyAdmissionOptions): { key: JWTVerifyGetKey | KeyObject | CryptoKey | JWK | Uint8Array; algorithms: string[] } {
  const { jwksUrl, key } = options;
  if ((jwksUrl === undefined) === (key === undefined)) throw new TypeError('verifyAdmission needs exactly one of jwksUrl and key');
  if (jwksUrl !== undefined) {
    const url = String(jwksUrl);
    let keySet = remoteKeySets.get(url);
    if (!keySet) remoteKeySets.set(url, (keySet = createRemoteJWKSet(new URL(url))));
    return { key: keySet, algorithms: ['ES256'] };
  }
  // Pinning the algorithm to the kind of key rules out algorithm confusion (an HS256 token "signed" with a public key).
  if (key instanceof Uint8Array) return { key, algorithms: ['HS256'] };
  return { key: typeof key === 'string' ? createPublicKey(key) : key!, algorithms: ['ES256'] };
}

function admissionOf(payload: JWTPayload, rooms: string[] | undefined): VerifiedAdmission {
  const audiences = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
  const room = audiences.find((aud) => rooms === undefined || rooms.includes(aud)) ?? audiences[0] ?? '';
  return {
    room,
    ticketId: payload.sub ?? '',
    issuer: payload.iss ?? '',
    issuedAt: new Date((payload.iat ?? 0) * 1000),
    expiresAt: new Date((payload.exp ?? 0) * 1000),
    tokenId: payload.jti ?? null,
  };
}

function failure(error: unknown): AdmissionVerdict {
  const fail = (reason: AdmissionFailure, message: string): AdmissionVerdict => ({ valid: false, reason, message });
  if (error instanceof errors.JWTExpired) return fail('expired', 'The admission has expired.');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return fail('wrong-room', 'The admission is for another room.');
    if (error.claim === 'iss') return fail('wrong-issuer', 'The admission comes from another queue server.');
    if (error.claim === 'nbf' || error.claim === 'iat') return fail('not-yet-valid', 'The admission is not valid yet.');
    return fail('malformed', `The admission token lacks a valid "${error.claim}" claim.`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JOSEAlgNotAllowed) {
    return fail('invalid-signature', 'The admission token is forged or was tampered with.');
  }
  if (error instanceof errors.JWKSNoMatchingKey) return fail('unknown-key', 'The admission token was signed with a key this queue server does not publish.');
  // TypeError: fetch failed (refused, DNS); a generic JOSEError: the JWKS URL did not answer 200.
  const generic = error instanceof errors.JOSEError && error.code === 'ERR_JOSE_GENERIC';
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || error instanceof TypeError || generic) {
    return fail('keys-unavailable', 'The queue server public keys could not be fetched.');
  }
  return fail('malformed', 'Not an admission token.');
}
