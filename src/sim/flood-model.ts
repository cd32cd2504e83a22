/**
 * The flood benchmark's model (`npm run bench:flood`, docs/benchmarks.md): the default morning's pupils plus
 * an attacker with A addresses of C cores each, joining as fast as the defences allow from 7:50. The
 * defences are the server's own modules: the join limiter (MemoryRateLimiter with the default settings),
 * the flood rule (FloodRule) that raises proof of work, and the challenge difficulty (powMaxnumber).
 *
 * A direct model rather than the polling simulator: the question is who holds which place in the line and
 * when each pupil gets in, not what the pages send while waiting. Time steps of one second; within a
 * second the attacker's joins come first (the worst case for pupils). The line is the stores' fair line
 * (flood-admission.ts: by round, an address's k-th waiting ticket k rounds back; no scheduled opening),
 * admitted at the room's rate into its seats; pupils' sessions last 10–20 min, an attacker's admitted
 * ticket holds its seat for the session TTL (30 min: it polls to keep its place, then stops).
 */
import type { Random } from '../core/wait/clock.js';
import { createSeededRandom } from '../core/wait/seeded-random.js';
import { FloodRule } from '../server/defence/flood-rule.js';
import { powMaxnumber } from '../server/defence/join-pow.js';
import { MemoryRateLimiter } from '../server/rate-limit/memory-rate-limiter.js';
import { DEFAULT_SETTINGS } from '../server/config/settings.js';
import { EventQueue } from './event-queue.js';
import { admitLine, type JoinLog } from './flood-admission.js';
import { arrivalTimesMs, type Scenario } from './scenario.js';

export type Defences = 'none' | 'limits' | 'limits+pow';

export interface Attacker {
  addresses: number;
  coresPerAddress: number;
}

export interface FloodCosts {
  /** SHA-256 tries a second of the widget's solver on a cheap phone (Chromium at 6× CPU throttling). */
  phoneHashesPerSecond: number;
  /** SHA-256 tries a second of one attacker core (node:crypto loop). */
  attackerHashesPerCore: number;
  /** Joins a second one address can send with no limit (the issue measured 604 in half a second). */
  unlimitedJoinsPerAddress: number;
  /** Joins a second the queue server takes in all (beyond: the attacker is limited by the server itself). */
  serverJoinsPerSecond: number;
}

/**
 * Figures measured by `npm run bench:pow` on the reference machine (docs/defences.md): 120,000-try
 * challenges solved in 0.71 s on average in Chromium at 6× CPU throttling (60,000 tries: ~84,000 a
 * second), 0.89 M node:crypto hashes a second per attacker core.
 */
export const DEFAULT_FLOOD_COSTS: FloodCosts = {
  phoneHashesPerSecond: 84_000,
  attackerHashesPerCore: 890_000,
  unlimitedJoinsPerAddress: 1_200,
  serverJoinsPerSecond: 10_000,
};

export interface FloodRun {
  scenario: Scenario;
  defences: Defences;
  attacker: Attacker | null;
  /** Share of pupils behind school NATs (300 pupils an address); the others each have their own address. */
  schoolShare?: number;
  /**
   * The operator lists the schools' networks (`--shared-networks`): school pupils' joins are placed in
   * plain join order, not one per round with their NAT's other pupils. Limits and proof of work still
   * count them per address.
   */
  schoolNetworksListed?: boolean;
  /** When the attacker starts, seconds from the scenario's start (7:55): -300 is 7:50. */
  attackStartS?: number;
  costs?: FloodCosts;
}

export interface FloodResult {
  /**
   * Attacker tickets admitted while a pupil was waiting: each was ahead of at least one pupil. (In plain
   * join order, as before fair admission, that is every attacker ticket that joined before the last pupil.)
   */
  attackerPlaces: number;
  pupilsMeanWaitS: number;
  /** Pupils behind a school's NAT (they share one address bucket) and pupils alone at their address. */
  schoolPupilsMeanWaitS: number;
  homePupilsMeanWaitS: number;
  /** Seconds of proof of work per pupil (0 for those who paid none); p95 over all pupils. */
  pupilPowSecondsP95: number;
  /** Share of pupils who paid any proof of work. */
  pupilsWhoPaidShare: number;
}

const SCHOOL_SIZE = 300;

export async function runFlood(run: FloodRun): Promise<FloodResult> {
  const { scenario, defences, attacker, schoolShare = 0.1, schoolNetworksListed = false, attackStartS = -300, costs = DEFAULT_FLOOD_COSTS } = run;
  const random: Random = createSeededRandom(scenario.seed);
  const arrivals = arrivalTimesMs(scenario, random).map((ms) => Math.floor(ms / 1000));
  const pupils = arrivals.length;
  // Every `stride`-th pupil (in arrival order) sits behind one of the schools' NATs, SCHOOL_SIZE pupils a
  // school, dealt round-robin so that each school's pupils arrive over the whole morning like the rest.
  const stride = schoolShare > 0 ? Math.round(1 / schoolShare) : Infinity;
  const schools = Math.max(1, Math.round((pupils * schoolShare) / SCHOOL_SIZE));
  const addressOf = (i: number) => (i % stride === 0 ? `school-${(i / stride) % schools}` : `home-${i}`);
  const limiter = new MemoryRateLimiter({ perMinute: DEFAULT_SETTINGS.joinLimitPerMinute, burst: DEFAULT_SETTINGS.joinBurst });
  const flood = new FloodRule();
  const limited = defences !== 'none';
  const pow = defences === 'limits+pow';
  const room = 'flood';

  // Every join in order: a pupil as its index (≥ 0), an attacker address's joins of a second as -(address + 1).
  const log: JoinLog = { at: [], who: [], count: [] };
  const powSeconds: number[] = new Array(pupils).fill(0);
  // Pupils' tries (arrival, retry after a 429, join after solving): payload 2 × pupil + solved.
  const tries = new EventQueue();
  arrivals.forEach((t, i) => tries.push(t, 2 * i));
  const aState = Array.from({ length: attacker?.addresses ?? 0 }, () => ({ hashes: 0, retryAt: 0, cost: 0 }));

  for (let t = Math.min(attackStartS, 0); tries.size > 0; t++) {
    const now = t * 1000;
    // The attacker, every address in turn, as many joins as the defences let through this second.
    if (attacker && t >= attackStartS) {
      const unlimitedPerAddress = Math.min(costs.unlimitedJoinsPerAddress, costs.serverJoinsPerSecond / attacker.addresses);
      for (let a = 0; a < aState.length; a++) {
        const state = aState[a];
        const address = `attacker-${a}`;
        let joins = 0;
        state.hashes += attacker.coresPerAddress * costs.attackerHashesPerCore;
        for (let n = 0; n < unlimitedPerAddress; n++) {
          if (limited && now < state.retryAt) break;
          const required = pow && flood.flooded(room, now);
          // Under proof of work a join is two requests: one that gets the challenge, one with the solution;
          // the challenge stays good for 10 minutes, so the attacker keeps it until it can send the answer.
          if (required && state.cost === 0) {
            const decision = limited ? await limiter.consume(address, now) : { allowed: true as const };
            if (!decision.allowed) {
              state.retryAt = now + decision.retryAfterMs;
              break;
            }
            // Answers are uniform in [0, maxnumber]: half of it on average.
            state.cost = powMaxnumber(flood.addressJoins(room, address, now) + 1) / 2;
          }
          if (required && state.cost > state.hashes) break;
          if (limited) {
            const decision = await limiter.consume(address, now);
            if (!decision.allowed) {
              state.retryAt = now + decision.retryAfterMs;
              break;
            }
          }
          if (required) state.hashes -= state.cost;
          state.cost = 0;
          if (pow) flood.record(room, address, scenario.admitPerMinute, now);
          joins += 1;
        }
        if (joins > 0) {
          log.at.push(t);
          log.who.push(-(a + 1));
          log.count.push(joins);
        }
        // Unspent hashes carry over up to one hardest challenge (work started on the next one).
        state.hashes = Math.min(state.hashes, powMaxnumber(Infinity));
      }
    }
    // Pupils whose try falls in this second.
    while (tries.size > 0 && tries.peekTime() <= t) {
      const payload = tries.pop();
      const i = payload >> 1;
      const solved = (payload & 1) === 1;
      const address = addressOf(i);
      if (limited) {
        const decision = await limiter.consume(address, now);
        if (!decision.allowed) {
          // The widget retries after Retry-After.
          tries.push(t + Math.max(1, Math.ceil(decision.retryAfterMs / 1000)), payload);
          continue;
        }
      }
      if (pow && !solved && flood.flooded(room, now)) {
        // A 428 challenge: the widget solves, then joins again with the solution.
        const seconds = (random() * powMaxnumber(flood.addressJoins(room, address, now) + 1)) / costs.phoneHashesPerSecond;
        powSeconds[i] += seconds;
        tries.push(t + Math.max(1, Math.ceil(seconds)), 2 * i + 1);
        continue;
      }
      if (pow) flood.record(room, address, scenario.admitPerMinute, now);
      log.at.push(t);
      log.who.push(i);
      log.count.push(1);
    }
  }

  const listed = (who: number) => schoolNetworksListed && who % stride === 0;
  const clientOf = (who: number) => (who < 0 ? `attacker-${-who - 1}` : listed(who) ? null : addressOf(who));
  const { admittedAt, attackerPlaces } = admitLine(log, pupils, clientOf, scenario, random);
  const waits = { school: [0, 0], home: [0, 0] };
  for (let i = 0; i < pupils; i++) {
    const sum = i % stride === 0 ? waits.school : waits.home;
    sum[0] += admittedAt[i] - arrivals[i];
    sum[1] += 1;
  }
  const sortedPow = [...powSeconds].sort((a, b) => a - b);
  return {
    attackerPlaces,
    pupilsMeanWaitS: (waits.school[0] + waits.home[0]) / pupils,
    schoolPupilsMeanWaitS: waits.school[0] / Math.max(1, waits.school[1]),
    homePupilsMeanWaitS: waits.home[0] / Math.max(1, waits.home[1]),
    pupilPowSecondsP95: sortedPow[Math.min(pupils - 1, Math.floor(0.95 * pupils))],
    pupilsWhoPaidShare: powSeconds.filter((s) => s > 0).length / pupils,
  };
}
