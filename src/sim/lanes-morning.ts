/**
 * The lanes morning (issue 18): the default morning's pupils, with staff holding a pass arriving 7:50–8:05
 * among them and parents whose lane opens at 8:30. The room's lanes are the real store's (the memory store
 * choosing the next lane with lane-schedule.ts, the code production runs); the same crowd run in one line
 * is the comparison. Reduced to the figures the issue sets targets for.
 */
import { createSeededRandom } from '../core/wait/seeded-random.js';
import type { LaneSettings } from '../server/stores/lane-schedule.js';
import type { AnyClientModel } from './client-model.js';
import { DEFAULT_SCENARIO, type Scenario, arrivalTimesMs, scaleScenario } from './scenario.js';
import { type SimCrowd, type SimResult, simulate } from './simulate.js';
import { countInversions, percentile } from './summary.js';

export type Cohort = 'pupils' | 'staff' | 'parents';

export interface LanesMorning {
  /** The pupils' morning; t = 0 is `startClock` on `day` (Paris time). */
  scenario: Scenario;
  day: string;
  /** Staff (a `personnels` pass), as a share of the pupils, arriving uniformly in [fromS, toS). */
  staff: { share: number; fromS: number; toS: number };
  /** Parents (a `parents` pass), likewise. */
  parents: { share: number; fromS: number; toS: number };
  lanes: LaneSettings[];
}

/**
 * From 7:50: the default morning's pupils (same bell curve, peak at 8:00, σ 2.5 min, the 60-s outage at
 * 8:25), 5 % as many staff 7:50–8:05, 2 % as many parents 8:15–8:45. Staff get half of the admissions
 * while one of them waits; parents none before 8:30 (the lane's window), then a tenth.
 */
export const LANES_MORNING: LanesMorning = {
  scenario: {
    ...DEFAULT_SCENARIO,
    startClock: '07:50',
    arrivalWindowS: 900,
    arrivalPeakS: DEFAULT_SCENARIO.arrivalPeakS + 300,
    outages: DEFAULT_SCENARIO.outages.map((outage) => ({ ...outage, atS: outage.atS + 300 })),
  },
  day: '2026-09-01',
  staff: { share: 0.05, fromS: 0, toS: 900 },
  parents: { share: 0.02, fromS: 1_500, toS: 3_300 },
  lanes: [
    { name: 'personnels', share: 0.5 },
    { name: 'parents', share: 0.1, window: { from: '08:30' } },
  ],
};

/** The same morning with `pupils` instead (staff and parents scale with them). */
export const scaleLanesMorning = (morning: LanesMorning, pupils: number): LanesMorning => ({ ...morning, scenario: scaleScenario(morning.scenario, pupils) });

export interface LaneCrowd extends SimCrowd {
  cohorts: Cohort[];
}

/** Everyone in arrival order, with their lane; seeded by the scenario's seed. */
export function lanesCrowd(morning: LanesMorning, withLanes: boolean): LaneCrowd {
  const { scenario } = morning;
  const random = createSeededRandom(scenario.seed);
  const people: { at: number; cohort: Cohort }[] = arrivalTimesMs(scenario, random).map((at) => ({ at, cohort: 'pupils' }));
  for (const cohort of ['staff', 'parents'] as const) {
    const { share, fromS, toS } = morning[cohort];
    for (let i = Math.round(scenario.pupils * share); i > 0; i--) people.push({ at: 1000 * (fromS + random() * (toS - fromS)), cohort });
  }
  people.sort((a, b) => a.at - b.at);
  const laneOf: Record<Cohort, string | undefined> = { pupils: undefined, staff: 'personnels', parents: 'parents' };
  return {
    arrivalsMs: people.map((p) => p.at),
    cohorts: people.map((p) => p.cohort),
    lanes: people.map((p) => (withLanes ? laneOf[p.cohort] : undefined)),
    roomLanes: withLanes ? morning.lanes : [],
    clockOriginMs: Date.parse(`${morning.day}T${morning.scenario.startClock}:00${parisOffset(morning.day)}`),
  };
}

/** One run's figures, by cohort; a child process of the bench sends this. */
export interface LanesRun {
  withLanes: boolean;
  people: number;
  staffP95WaitS: number;
  pupilsMeanWaitS: number;
  parentsMeanWaitS: number;
  placesLost: number;
  /** Pairs of people of one lane admitted in the opposite order of their first join, summed over lanes. */
  inversionsWithinLane: number;
}

export async function runLanesMorning(morning: LanesMorning, model: AnyClientModel, withLanes: boolean): Promise<LanesRun> {
  const crowd = lanesCrowd(morning, withLanes);
  const result = await simulate({ ...morning.scenario, pupils: crowd.arrivalsMs.length }, model, crowd);
  return reduceLanesRun(result, crowd, withLanes);
}

export function reduceLanesRun({ pupils }: SimResult, crowd: LaneCrowd, withLanes: boolean): LanesRun {
  const waits: Record<Cohort, number[]> = { pupils: [], staff: [], parents: [] };
  const admittedByLane = new Map<string, number[]>();
  pupils.noticedAtMs.forEach((at, i) => {
    if (at === null || pupils.left[i]) return;
    waits[crowd.cohorts[i]].push((at - pupils.firstJoinMs[i]!) / 1000);
    const lane = crowd.lanes[i] ?? 'default';
    (admittedByLane.get(lane) ?? admittedByLane.set(lane, []).get(lane)!).push(i);
  });
  let inversionsWithinLane = 0;
  for (const members of admittedByLane.values()) {
    members.sort((a, b) => pupils.admissionOrder[a]! - pupils.admissionOrder[b]!);
    inversionsWithinLane += countInversions(members.map((i) => pupils.firstJoinMs[i]!));
  }
  return {
    withLanes,
    people: crowd.arrivalsMs.length,
    staffP95WaitS: percentile(waits.staff.sort((a, b) => a - b), 0.95),
    pupilsMeanWaitS: mean(waits.pupils),
    parentsMeanWaitS: mean(waits.parents),
    placesLost: pupils.lostPlaces.reduce((a, b) => a + b, 0),
    inversionsWithinLane,
  };
}

/** The bench's `lanes` figures: the lanes run, and the pupils' mean wait of the one-line run beside it. */
export interface LanesSummary {
  staffP95WaitS: number;
  pupilsMeanWaitS: number;
  pupilsMeanWaitNoLanesS: number;
  parentsMeanWaitS: number;
  placesLost: number;
  inversionsWithinLane: number;
}

export function summariseLanes(lanes: LanesRun, oneLine: LanesRun): LanesSummary {
  const { staffP95WaitS, pupilsMeanWaitS, parentsMeanWaitS, placesLost, inversionsWithinLane } = lanes;
  return { staffP95WaitS, pupilsMeanWaitS, pupilsMeanWaitNoLanesS: oneLine.pupilsMeanWaitS, parentsMeanWaitS, placesLost, inversionsWithinLane };
}

/** The targets, each with whether it holds. */
export function lanesTargets(s: LanesSummary): [string, boolean][] {
  const ratio = s.pupilsMeanWaitS / s.pupilsMeanWaitNoLanesS;
  return [
    [`staff p95 wait ≤ 60 s (${s.staffP95WaitS.toFixed(0)} s)`, s.staffP95WaitS <= 60],
    [`pupils' mean wait at most 10 % over one line's (${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)} %)`, ratio <= 1.1],
    [`no place lost (${s.placesLost})`, s.placesLost === 0],
    [`no inversion within a lane (${s.inversionsWithinLane})`, s.inversionsWithinLane === 0],
  ];
}

const mean = (values: readonly number[]): number => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);

/** "+02:00" or "+01:00": Paris's offset on `day` at noon (summer or winter time). */
function parisOffset(day: string): string {
  const noon = Date.parse(`${day}T12:00:00Z`);
  const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', hourCycle: 'h23' }).format(noon));
  return `+0${hour - 12}:00`;
}
