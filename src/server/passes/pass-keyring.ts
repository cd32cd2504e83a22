/**
 * Turns a room's `passKeys` into the key lookup jose verifies passes with, and keeps it: a JWKS URL is
 * fetched once and cached (one fetch per URL, shared by every room that names it), not once per join.
 * A JWKS that cannot be read (and was never read) makes the lookup throw PassKeysUnavailable fast: the pass is refused
 * (`pass-keys-missing`, default lane) and the join goes on; a slow ENT never holds a pupil's join.
 */
import { createLocalJWKSet, createRemoteJWKSet, errors, type JWK, type JWTVerifyGetKey } from 'jose';
import type { PassKeys } from '../../core/protocol/protocol.js';
import { PassKeysUnavailable } from './verify-pass.js';

export interface PassKeyringOptions {
  /**
   * 1 s: an ENT's JWKS on the same network answers in milliseconds; one that takes a second is down, and
   * every pass join waits for it (joins in flight share the one fetch).
   */
  fetchTimeoutMs?: number;
  /** 5 s after a failed fetch, lookups fail at once rather than each waiting out another timeout. */
  retryAfterFailureMs?: number;
  /** 10 min: how long fetched keys are trusted before being fetched again (jose refetches at once for an unknown `kid`, at most every 30 s). */
  cacheMaxAgeMs?: number;
  now?: () => number;
}

/** The rooms' key lookups; a few hundred rooms with keys at most, so no eviction beyond a generous cap. */
export class PassKeyring {
  private readonly lookups = new Map<string, JWTVerifyGetKey>();
  private readonly remotes = new Map<string, JWTVerifyGetKey>();
  private readonly failedAt = new Map<string, number>();
  private readonly fetchTimeoutMs: number;
  private readonly retryAfterFailureMs: number;
  private readonly cacheMaxAgeMs: number;
  private readonly now: () => number;

  constructor(options: PassKeyringOptions = {}) {
    this.fetchTimeoutMs = options.fetchTimeoutMs ?? 1000;
    this.retryAfterFailureMs = options.retryAfterFailureMs ?? 5000;
    this.cacheMaxAgeMs = options.cacheMaxAgeMs ?? 600_000;
    this.now = options.now ?? Date.now;
  }

  /** The lookup for these keys (the same object for the same keys); undefined when there are none. */
  lookup(keys: PassKeys | null | undefined): JWTVerifyGetKey | undefined {
    if (!keys) return undefined;
    const id = JSON.stringify(keys);
    let lookup = this.lookups.get(id);
    if (lookup === undefined) {
      lookup = this.build(keys);
      if (this.lookups.size >= 10_000) this.lookups.delete(this.lookups.keys().next().value!);
      this.lookups.set(id, lookup);
    }
    return lookup;
  }

  private build(keys: PassKeys): JWTVerifyGetKey {
    const local = keys.publicKeys?.length ? createLocalJWKSet({ keys: keys.publicKeys as JWK[] }) : undefined;
    const remote = keys.jwksUrl === undefined ? undefined : this.remote(keys.jwksUrl);
    if (local && remote) {
      // Listed keys first (no fetch); the URL for a key they do not have (the ENT rotated its keys).
      return async (header, token) => {
        try {
          return await local(header, token);
        } catch (error) {
          if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
          return remote(header, token);
        }
      };
    }
    return (local ?? remote)!;
  }

  private remote(url: string): JWTVerifyGetKey {
    const known = this.remotes.get(url);
    if (known) return known;
    const jwks = createRemoteJWKSet(new URL(url), { timeoutDuration: this.fetchTimeoutMs, cacheMaxAge: this.cacheMaxAgeMs });
    // The last key set read: jose drops to an error once its cache is older than cacheMaxAge and the
    // refetch fails, and the ENT serving the JWKS is the very thing overloaded at 8:00; so the keys it
    // last served keep verifying passes until a refetch succeeds (test/server/passes/pass-keyring.test.ts).
    const lastGood = (error: unknown, ...pass: Parameters<JWTVerifyGetKey>): ReturnType<JWTVerifyGetKey> => {
      const set = jwks.jwks();
      if (set === undefined) throw new PassKeysUnavailable(`${url}: ${error instanceof Error ? error.message : String(error)}`);
      return createLocalJWKSet(set)(...pass);
    };
    const lookup: JWTVerifyGetKey = async (protectedHeader, flattened) => {
      const failed = this.failedAt.get(url);
      if (failed !== undefined && this.now() - failed < this.retryAfterFailureMs && !jwks.fresh) {
        return lastGood(`failed less than ${this.retryAfterFailureMs} ms ago`, protectedHeader, flattened);
      }
      try {
        const key = await jwks(protectedHeader, flattened);
        this.failedAt.delete(url);
        return key;
      } catch (error) {
        // No key for the pass's `kid` in a JWKS that was read: the pass was not signed by the ENT.
        if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
        this.failedAt.set(url, this.now());
        return lastGood(error, protectedHeader, flattened);
      }
    };
    this.remotes.set(url, lookup);
    return lookup;
  }
}
