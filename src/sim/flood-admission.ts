import type { Random } from '../core/wait/clock.js';
import { DEFAULT_SETTINGS } from '../server/config/settings.js';
import { fairRound, type ClientTurns } from '../server/stores/fair-round.js';
import { EventQueue } from './event-queue.js';
import type { Scenario } from './scenario.js';

/**
 * The flood benchmark's joins in order (flood-model.ts): entry j joined at second `at[j]`; `who[j]` is a pupil
 * (its index, ≥ 0) or an attacker address a (-(a + 1)) joining `count[j]` tickets at once.
 */
export interface JoinLog {
  at: number[];
  who: number[];
  count: number[];
}

export interface Admissions {
  /** Each pupil's admission second. */
  admittedAt: number[];
  /** Attacker tickets admitted while a pupil was waiting: each took the turn of at least one pupil. */
  attackerPlaces: number;
}

/** A line score as the Redis store keeps it (lua/room.lua): round × 2^32 + seq, ordered like compareTurns. */
const ROUND = 2 ** 32;

/**
 * The flood benchmark's line admitted at the room's rate into its seats, in the stores' fair order: each
 * ticket's round from fairRound (fair-round.ts, what the memory store and the Redis scripts apply), the
 * line ordered by (round, seq), the head round that of the last admission. `clientOf(who)` is the address
 * bucket of a log entry, or null for a pupil on a listed shared network (http/shared-networks.ts: its
 * ticket is its own client, in the head round). Joins of a second come in before that second's admissions.
 *
 * An address's tickets sit in consecutive rounds once it has one waiting, so the line holds one entry
 * per address (its next ticket) and the rest as runs (first round, first seq, count): the no-defence
 * case's nine million attacker tickets then cost a few numbers a second each, not an object each.
 */
export function admitLine(log: JoinLog, pupils: number, clientOf: (who: number) => string | null, scenario: Scenario, random: Random): Admissions {
  const admittedAt: number[] = new Array(pupils).fill(-1);
  const perSecond = scenario.admitPerMinute / 60;
  const frees = new Map<number, number>();
  const release = (at: number, n: number) => frees.set(at, (frees.get(at) ?? 0) + n);
  const line = new EventQueue(); // time = line score, payload = pupil index or -(address + 1)
  const clients = new Map<string, ClientTurns>();
  /** Each attacker address's waiting tickets beyond the one in `line`: runs [first round, first seq, count]. */
  const runs = new Map<number, number[][]>();
  let head = 0;
  let seq = 0;
  let next = 0;
  let free = scenario.capacity;
  let allowance = 0;
  let pupilsWaiting = 0;
  let pupilsLeft = pupils;
  let attackerPlaces = 0;

  const enter = (client: string | null): number => {
    if (client === null) return head;
    const turns = clients.get(client);
    const round = fairRound(head, turns);
    if (turns) {
      turns.lastRound = round;
      turns.waiting++;
    } else clients.set(client, { lastRound: round, waiting: 1 });
    return round;
  };
  const leave = (client: string | null): void => {
    if (client === null) return;
    const turns = clients.get(client)!;
    if (--turns.waiting === 0) clients.delete(client);
  };

  for (let t = log.at[0] ?? 0; pupilsLeft > 0; t++) {
    for (; next < log.at.length && log.at[next] <= t; next++) {
      const who = log.who[next];
      const client = clientOf(who);
      if (who >= 0) {
        line.push(enter(client) * ROUND + seq++, who);
        pupilsWaiting++;
        continue;
      }
      const queued = runs.get(who);
      const first = enter(client);
      for (let k = 1; k < log.count[next]; k++) enter(client); // rounds first + 1, first + 2, …
      const run = [first, seq, log.count[next]];
      seq += log.count[next];
      if (queued) queued.push(run);
      else {
        // Its first waiting ticket goes in line; the rest wait their turn in the run.
        line.push(first * ROUND + run[1], who);
        run[0]++;
        run[1]++;
        run[2]--;
        runs.set(who, [run]);
      }
    }
    free += frees.get(t) ?? 0;
    frees.delete(t);
    allowance = Math.min(allowance + perSecond, Math.max(1, perSecond));
    while (line.size > 0 && allowance >= 1 && free > 0) {
      head = Math.max(head, Math.floor(line.peekTime() / ROUND));
      const who = line.pop();
      allowance -= 1;
      free -= 1;
      leave(clientOf(who));
      if (who >= 0) {
        admittedAt[who] = t;
        release(t + Math.round(scenario.sessionMinS + random() * (scenario.sessionMaxS - scenario.sessionMinS)), 1);
        pupilsWaiting--;
        pupilsLeft--;
        continue;
      }
      // An admitted attacker ticket holds its seat until the session TTL ends it.
      release(t + DEFAULT_SETTINGS.sessionTtlSeconds, 1);
      if (pupilsWaiting > 0) attackerPlaces++;
      const queued = runs.get(who)!;
      while (queued.length > 0 && queued[0][2] === 0) queued.shift();
      if (queued.length === 0) {
        runs.delete(who);
        continue;
      }
      const run = queued[0];
      line.push(run[0] * ROUND + run[1], who);
      run[0]++;
      run[1]++;
      run[2]--;
    }
  }
  return { admittedAt, attackerPlaces };
}
