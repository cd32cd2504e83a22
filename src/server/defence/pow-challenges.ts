/**
 * Stateless proof-of-work challenges for joins, in ALTCHA's v1 format (altcha-lib): the server keeps
 * nothing between the challenge and the solution. The salt carries the room, the join key and an expiry,
 * and the challenge is signed with an HMAC key derived from the server secret, so a solution is only good
 * for the room and the key it was issued to, until it expires. Reusing it is harmless: joins are
 * idempotent by key, so a replay with the same key returns the same ticket and another key is refused.
 */
import { createHmac } from 'node:crypto';
import { createChallenge, extractParams, verifySolution } from 'altcha-lib/v1';
import type { PowChallenge, PowSolution } from '../../core/protocol/protocol.js';

/** Why a solution was refused, for the message the pupil's widget logs (it then solves the new challenge). */
export type PowVerdict = 'ok' | 'expired' | 'other-room' | 'other-key' | 'wrong';

export interface PowChallengesOptions {
  /** The server secret; the HMAC key is derived from it, never the secret itself. */
  secret: string;
  /**
   * How long a challenge may be solved and used. 10 minutes: a cheap phone solves in seconds (p95 under
   * 2 s at the default difficulty, docs/defences.md), and a pupil whose join request is retried after a
   * network failure keeps the work done.
   */
  ttlMs?: number;
}

export class PowChallenges {
  private readonly hmacKey: string;
  private readonly ttlMs: number;

  constructor({ secret, ttlMs = 10 * 60_000 }: PowChallengesOptions) {
    this.hmacKey = createHmac('sha256', secret).update('antichambre proof-of-work v1').digest('hex');
    this.ttlMs = ttlMs;
  }

  /** A challenge of `maxnumber` tries at most (half of it on average) for this room and join key. */
  async issue(room: string, key: string, maxnumber: number, now: number): Promise<PowChallenge> {
    const { algorithm, challenge, salt, signature } = await createChallenge({
      algorithm: 'SHA-256',
      hmacKey: this.hmacKey,
      maxnumber,
      expires: new Date(now + this.ttlMs),
      params: { room, key },
    });
    return { algorithm: algorithm as 'SHA-256', challenge, maxnumber, salt, signature };
  }

  async verify(solution: PowSolution, room: string, key: string, now: number): Promise<PowVerdict> {
    // altcha-lib checks expiry against Date.now(); ours goes by the injected clock, so tests can move it.
    if (!(await verifySolution(solution, this.hmacKey, false))) return 'wrong';
    const params = extractParams(solution);
    if (!(Number(params.expires) * 1000 > now)) return 'expired';
    if (params.room !== room) return 'other-room';
    if (params.key !== key) return 'other-key';
    return 'ok';
  }
}
