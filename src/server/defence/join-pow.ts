/**
 * The proof-of-work step of a join (queue/queue-routes.ts calls it around the store's join): is a proof needed in this
 * room now, is the one sent good, and does this join make the room look flooded. Off on an ordinary day.
 */
import type { ErrorBody, PowChallenge, PowSolution } from '../../core/protocol/protocol.js';
import { powRequired, type DefenceState } from './defence-state.js';
import { errorBody, HttpError } from '../http/errors.js';
import type { FloodRule } from './flood-rule.js';
import type { PowChallenges, PowVerdict } from './pow-challenges.js';

/**
 * Tries a challenge holds at most (the answer is uniform in [0, maxnumber]: half of it on average).
 * 120,000: in Chromium slowed 6× (a cheap phone) the widget's solver takes ~0.8 s on average and under
 * 2 s for 95 % of joins; one attacker core running node:crypto gets ~12 joins a second out of it
 * (`npm run bench:pow`, docs/defences.md). 300,000 measured p95 3.4 s at 6×: too slow for a pupil.
 */
export const BASE_POW_MAXNUMBER = 120_000;
/** Joins one address may make in the flood window at the base difficulty, then each `step` more doubles it. */
export const POW_STEP_JOINS = 30;
/**
 * At most 4× the base: ~3 s on average on a cheap phone and under 8 s at worst, inside the widget's 10-s
 * request timeout (a solve that overruns it is retried with a new challenge). Only an address past 90
 * joins in a minute pays that.
 */
export const POW_MAX_FACTOR = 4;

/** The difficulty for an address that made `addressJoins` joins in the flood window (this one included). */
export function powMaxnumber(addressJoins: number): number {
  const factor = Math.min(POW_MAX_FACTOR, 2 ** Math.floor(Math.max(0, addressJoins - 1) / POW_STEP_JOINS));
  return BASE_POW_MAXNUMBER * factor;
}

/** 428 with the challenge next to the usual error body: the widget solves it and joins again with the same key. */
export class PowRequiredError extends HttpError {
  constructor(
    message: string,
    readonly challenge: PowChallenge,
  ) {
    super(428, 'pow-required', message);
  }

  override get body(): ErrorBody & { pow: PowChallenge } {
    return { ...errorBody(this.code, this.message), pow: this.challenge };
  }
}

const REFUSALS: Record<Exclude<PowVerdict, 'ok'>, string> = {
  expired: 'That proof of work has expired: solve this new challenge.',
  'other-room': 'That proof of work was made for another room: solve this challenge.',
  'other-key': 'That proof of work was made for another join key: solve this challenge.',
  wrong: 'That proof of work is not a solution of a challenge this server made: solve this one.',
};

export interface JoinPowDeps {
  challenges: PowChallenges;
  defence: DefenceState;
  flood: FloodRule;
}

export interface JoinPow {
  /** Before the join: throws PowRequiredError unless the room lets this join in as it is. */
  check(room: string, key: string, address: string, pow: PowSolution | undefined, now: number): Promise<void>;
  /** After an accepted join: counts it, and raises the room when the joins look like a flood. */
  record(room: string, address: string, admitPerMinute: number, now: number): Promise<void>;
}

export function createJoinPow({ challenges, defence, flood }: JoinPowDeps): JoinPow {
  const pushedAt = new Map<string, number>();
  return {
    async check(room, key, address, pow, now) {
      if (!powRequired(await defence.read(room, now), now)) return;
      const verdict: PowVerdict | undefined = pow && (await challenges.verify(pow, room, key, now));
      if (verdict === 'ok') return;
      const maxnumber = powMaxnumber(flood.addressJoins(room, address, now) + 1);
      const message = verdict ? REFUSALS[verdict] : 'This room asks for a proof of work before a join: solve the challenge in "pow" and send it with the same key.';
      throw new PowRequiredError(message, await challenges.issue(room, key, maxnumber, now));
    },
    async record(room, address, admitPerMinute, now) {
      const { flooded } = flood.record(room, address, admitPerMinute, now);
      if (!flooded) return;
      // Shared with the other instances at most once a minute per room, not once per join of a flood.
      if (now - (pushedAt.get(room) ?? -Infinity) < flood.windowMs) return;
      pushedAt.set(room, now);
      await defence.raise(room, flood.floodedUntil(room), now);
    },
  };
}
