/**
 * What the server signs. Keys for each purpose are derived from the one secret, so a credential can
 * never be replayed as an admission token or the other way round.
 * - Ticket credential: `<ticket id>.<issued-at, base-36 seconds>.<HMAC-SHA256, base64url>`, the MAC
 *   covering room, id and issued-at. A client cannot make one, move it to another room or ticket, or
 *   change its place (the place is server state, not in the credential).
 * - Admission token: a JWT the ENT verifies, signed with an `AdmissionKey` (ES256 by default, published
 *   at `/.well-known/jwks.json`; or HS256 derived from the secret). Claims in docs/protocol.md.
 */
import { createHmac, randomBytes, randomUUID, sign, timingSafeEqual } from 'node:crypto';
import { AdmissionKey } from './admission-key.js';
import { DEFAULT_ISSUER } from '../config/settings.js';

/** 192 random bits, URL-safe: for generated secrets and admin tokens. */
export const randomToken = (): string => randomBytes(24).toString('base64url');

export interface AdmissionClaims {
  room: string;
  ticketId: string;
  admittedAt: number;
  expiresAt: number;
}

export class Tokens {
  private readonly ticketKey: Buffer;

  constructor(
    secret: string,
    readonly issuer = DEFAULT_ISSUER,
    /** Signs admission tokens; a fresh ES256 key pair unless given. */
    readonly admissionKey: AdmissionKey = AdmissionKey.generate(),
  ) {
    this.ticketKey = derive(secret, 'antichambre ticket credential v1');
  }

  /** Deterministic for a given ticket: a repeated join hands back the very same credential. */
  ticketCredential(room: string, id: string, issuedAt: number): string {
    const iat = Math.floor(issuedAt / 1000).toString(36);
    return `${id}.${iat}.${this.mac(room, id, iat).toString('base64url')}`;
  }

  /** true only for a credential this server made for exactly this room and ticket. */
  verifyTicketCredential(credential: string, room: string, id: string): boolean {
    const parts = credential.split('.');
    if (parts.length !== 3) return false;
    const [credId, iat, sig] = parts as [string, string, string];
    if (credId !== id || !/^[0-9a-z]{1,12}$/.test(iat) || !/^[A-Za-z0-9_-]{43}$/.test(sig)) return false;
    // Compared as text, not decoded bytes: 43 base64url characters carry 258 bits for the MAC's 256, so
    // four spellings of the last character decode to the same bytes. Only the canonical one is accepted,
    // so a credential has exactly one form (nothing to replay under another spelling).
    const expected = this.mac(room, id, iat).toString('base64url');
    return timingSafeEqual(Buffer.from(sig), Buffer.from(expected));
  }

  /**
   * JWT with sub = ticket id, aud = room, iat = admission, exp, iss, and a fresh jti per token (an ENT
   * that wants one-time use can remember it). `kid` names the JWKS key that verifies it.
   */
  async admissionToken(claims: AdmissionClaims): Promise<string> {
    const { alg, kid, signingKey } = this.admissionKey;
    const header = { alg, typ: 'JWT', ...(kid === null ? {} : { kid }) };
    const payload = {
      sub: claims.ticketId,
      aud: claims.room,
      iss: this.issuer,
      iat: Math.floor(claims.admittedAt / 1000),
      exp: Math.floor(claims.expiresAt / 1000),
      jti: randomUUID(),
    };
    // Signed with node:crypto directly, not jose's SignJWT: every admitted status carries a fresh
    // token, and this is 3x (ES256) to 14x (HS256) faster (no async WebCrypto per call). Tests verify the
    // result with jose, so the format stays standard.
    const input = `${base64url(header)}.${base64url(payload)}`;
    const signature =
      signingKey instanceof Uint8Array
        ? createHmac('sha256', signingKey).update(input).digest()
        : sign('sha256', Buffer.from(input), { key: signingKey, dsaEncoding: 'ieee-p1363' }); // JWS wants r||s, not DER
    return `${input}.${signature.toString('base64url')}`;
  }

  private mac(room: string, id: string, iat: string): Buffer {
    return createHmac('sha256', this.ticketKey).update(`${room}\n${id}\n${iat}`).digest();
  }
}

const base64url = (json: object): string => Buffer.from(JSON.stringify(json)).toString('base64url');

function derive(secret: string, purpose: string): Buffer {
  return createHmac('sha256', secret).update(purpose).digest();
}
