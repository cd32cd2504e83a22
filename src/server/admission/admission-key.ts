/**
 * The key that signs admission tokens, and what the world may know of it (the JWKS).
 *
 * ES256 is the default: the ENT verifies with the public key alone (from `/.well-known/jwks.json`), so
 * no secret has to be shared with every ENT backend. HS256 remains for ENTs that already hold the
 * shared secret; its key is derived from `ANTICHAMBRE_SECRET` and never published.
 *
 * Everything here is synchronous (node:crypto), so `createApp` stays synchronous too.
 */
import { createHash, createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';

export const ADMISSION_ALGS = ['ES256', 'HS256'] as const;
export type AdmissionAlg = (typeof ADMISSION_ALGS)[number];

export interface AdmissionKeyConfig {
  alg: AdmissionAlg;
  /** ES256 only: a P-256 private key as PKCS#8/SEC1 PEM or as a JWK (JSON). Generated when absent. */
  privateKey?: string;
  /** HS256 only: the key is derived from this secret. */
  secret: string;
}

export class AdmissionKeyError extends Error {
  override name = 'AdmissionKeyError';
}

/** The JWKS document: public keys only, so it may be served to anyone. */
export interface Jwks {
  keys: JWK[];
}

export class AdmissionKey {
  private constructor(
    readonly alg: AdmissionAlg,
    /** Signs; never leaves the process. */
    readonly signingKey: KeyObject | Uint8Array,
    /** Verifies (the /verify gate uses it in process). For HS256 it is the signing key itself. */
    readonly verificationKey: KeyObject | Uint8Array,
    /** `kid` header of every token; null for HS256 (one key, nothing to choose from). */
    readonly kid: string | null,
    /** true when the key pair was made at start: tokens then die with the process. */
    readonly generated: boolean,
  ) {}

  static fromConfig(config: AdmissionKeyConfig): AdmissionKey {
    if (config.alg === 'HS256') {
      if (config.privateKey !== undefined) {
        throw new AdmissionKeyError('ANTICHAMBRE_JWT_PRIVATE_KEY is for ES256; HS256 derives its key from ANTICHAMBRE_SECRET');
      }
      return AdmissionKey.fromSecret(config.secret);
    }
    return config.privateKey === undefined ? AdmissionKey.generate() : AdmissionKey.fromPrivateKey(config.privateKey);
  }

  /** A fresh ES256 key pair. */
  static generate(): AdmissionKey {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return AdmissionKey.es256(privateKey, null, true);
  }

  /** An ES256 key from PEM or JWK text, as found in an environment variable. */
  static fromPrivateKey(text: string): AdmissionKey {
    // .env files and CI secrets often carry a PEM on one line with literal "\n".
    const source = text.trim().replaceAll('\\n', '\n');
    let key: KeyObject;
    let kid: string | null = null;
    try {
      if (source.startsWith('{')) {
        const jwk = JSON.parse(source) as JWK;
        kid = typeof jwk.kid === 'string' && jwk.kid !== '' ? jwk.kid : null;
        key = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
      } else {
        key = createPrivateKey(source);
      }
    } catch {
      throw new AdmissionKeyError('ANTICHAMBRE_JWT_PRIVATE_KEY is neither a PEM private key nor a private JWK');
    }
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new AdmissionKeyError('ANTICHAMBRE_JWT_PRIVATE_KEY must be an EC P-256 private key (ES256)');
    }
    return AdmissionKey.es256(key, kid, false);
  }

  /** HS256 with the key documented in docs/protocol.md, so ENTs holding the secret can derive it. */
  static fromSecret(secret: string): AdmissionKey {
    const key = new Uint8Array(createHmac('sha256', secret).update('antichambre admission token v1').digest());
    return new AdmissionKey('HS256', key, key, null, false);
  }

  private static es256(privateKey: KeyObject, kid: string | null, generated: boolean): AdmissionKey {
    const publicKey = createPublicKey(privateKey);
    return new AdmissionKey('ES256', privateKey, publicKey, kid ?? thumbprint(publicKey), generated);
  }

  /** The public keys to publish. Empty for HS256: a symmetric key is a secret. */
  jwks(): Jwks {
    if (this.alg === 'HS256' || this.kid === null || this.verificationKey instanceof Uint8Array) return { keys: [] };
    const { kty, crv, x, y } = this.verificationKey.export({ format: 'jwk' });
    return { keys: [{ kty, crv, x, y, kid: this.kid, alg: 'ES256', use: 'sig' }] };
  }
}

/** RFC 7638 JWK thumbprint: a kid that is the same on every instance sharing the key, without configuration. */
function thumbprint(publicKey: KeyObject): string {
  const { crv, kty, x, y } = publicKey.export({ format: 'jwk' });
  // Required members only, in lexicographic order, no whitespace: the RFC's canonical form.
  return createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url');
}
