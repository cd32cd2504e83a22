/**
 * A surge scenario: who arrives when, how fast the room lets them in, how long they stay, when the queue
 * server goes down, and who gives up. Times are seconds from the start of the simulation (7:55 in the
 * default scenario), so the series can be plotted against the clock of a school morning.
 */
import type { Random } from '../core/wait/clock.js';
import { DEFAULT_STATUS_BUDGET_PER_SECOND } from '../server/room-policy/pacing.js';

export interface Outage {
  /** When the queue server goes down, seconds from the start. */
  atS: number;
  /** How long every request fails as a network error. */
  durationS: number;
}

export interface Scenario {
  pupils: number;
  seed: number;
  /** Wall-clock label of t = 0, for plots ("07:55"). */
  startClock: string;
  /** Arrivals: a bell curve (normal, mean and spread below) cut to [0, arrivalWindowS]. */
  arrivalWindowS: number;
  arrivalPeakS: number;
  arrivalSpreadS: number;
  /** Room settings: max admitted sessions at once, max admissions per sliding minute. */
  capacity: number;
  admitPerMinute: number;
  /** Session length on the ENT after admission, uniform in [min, max]; the pupil then releases the seat. */
  sessionMinS: number;
  sessionMaxS: number;
  /** Status requests per second the room's whole line may send (server pacing, room-policy/pacing.ts). */
  statusBudgetPerSecond: number;
  outages: readonly Outage[];
  /**
   * Requests the queue server can answer in one second; the ones beyond fail like an outage (the page
   * times out). Absent: no limit, the server answers everything (the benchmark's assumption).
   */
  serverRequestsPerSecond?: number;
  /** Share of pupils who give up while waiting, at a uniform time in [leaveMinS, leaveMaxS] after arriving. */
  leaveShare: number;
  leaveMinS: number;
  leaveMaxS: number;
  /** Share of those who leave by closing the tab cleanly (a release beacon); the others just vanish. */
  leaveReleaseShare: number;
}

/**
 * 100,000 pupils over 10 minutes (most between 7:57 and 8:03), 25,000 seats turning over every ~15 min:
 * the mean wait comes to about 30 minutes. A 60-s outage 30 minutes in, when the line is long and steady.
 */
export const DEFAULT_SCENARIO: Scenario = {
  pupils: 100_000,
  seed: 1,
  startClock: '07:55',
  arrivalWindowS: 600,
  arrivalPeakS: 300,
  arrivalSpreadS: 150,
  capacity: 20_000,
  admitPerMinute: 1_350,
  sessionMinS: 600,
  sessionMaxS: 1_200,
  statusBudgetPerSecond: DEFAULT_STATUS_BUDGET_PER_SECOND,
  outages: [{ atS: 1_800, durationS: 60 }],
  leaveShare: 0.05,
  leaveMinS: 60,
  leaveMaxS: 2_400,
  leaveReleaseShare: 0.5,
};

/**
 * The same morning with `pupils` instead: seats, admission rate and status budget scale with the crowd,
 * so waits, per-pupil request counts and ratios stay comparable.
 */
export function scaleScenario(scenario: Scenario, pupils: number): Scenario {
  const f = pupils / scenario.pupils;
  return {
    ...scenario,
    pupils,
    capacity: Math.max(1, Math.round(scenario.capacity * f)),
    admitPerMinute: Math.max(1, Math.round(scenario.admitPerMinute * f)),
    statusBudgetPerSecond: scenario.statusBudgetPerSecond * f,
  };
}

/** Arrival times in ms, sorted: a normal draw (Box–Muller) rejected outside the window. */
export function arrivalTimesMs(scenario: Scenario, random: Random): number[] {
  const times: number[] = [];
  while (times.length < scenario.pupils) {
    const u = 1 - random();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
    const t = scenario.arrivalPeakS + z * scenario.arrivalSpreadS;
    if (t >= 0 && t < scenario.arrivalWindowS) times.push(t * 1000);
  }
  return times.sort((a, b) => a - b);
}

/** True while the queue server is down. */
export function isDown(scenario: Scenario, nowMs: number): boolean {
  for (const { atS, durationS } of scenario.outages) {
    if (nowMs >= atS * 1000 && nowMs < (atS + durationS) * 1000) return true;
  }
  return false;
}
