/**
 * The surge simulator: N virtual pupils, each a client model (antichambre's real scheduler or a peer's
 * published behaviour), against the real queue logic: the in-memory store and the same pacing and
 * estimate functions the HTTP layer answers with (room-policy/pacing.ts), called in process on a virtual clock.
 * No sockets, no timers: an event queue ordered by virtual time, one seeded random source, so a seed
 * replays the same morning to the request. The output is plain arrays, ready to plot or serialise.
 */
import { createSeededRandom } from '../core/wait/seeded-random.js';
import { graceSafePollMaxMs, roomWaitEstimate, waitingPollAfterMs } from '../server/room-policy/pacing.js';
import { gracePosition } from '../server/queue/ticket-view.js';
import { MemoryStore } from '../server/stores/memory.js';
import { DEFAULT_STORE_OPTIONS } from '../server/stores/store-options-from-settings.js';
import type { LaneSettings } from '../server/stores/lane-schedule.js';
import type { RoomSnapshot, TicketResult } from '../server/stores/store.js';
import type { Answer, ClientModel } from './client-model.js';
import { EventQueue } from './event-queue.js';
import { type Scenario, arrivalTimesMs, isDown } from './scenario.js';

/** A pupil whose place is gone (410) or whose page gave up joins again after this long. */
export const REJOIN_AFTER_MS = 5_000;
const ROOM = 'college';
const SESSION_TTL_MS = 30 * 60_000;

const REQUEST = 0;
const LEAVE = 1;
const RELEASE = 2;

/** Per-second series, index = second since the start; what the teachers' page plots. */
export interface SimSeries {
  /** Requests the pupils sent to the queue server (joins, statuses, releases), failed ones included. */
  requests: number[];
  /** Of which failed (server down). */
  failed: number[];
  /** Pupils waiting in line, as the server last reported it in that second. */
  waiting: number[];
  /** Admissions made by the server in that second. */
  admitted: number[];
}

/** Per pupil, index = pupil in arrival order. */
export interface SimPupils {
  requests: number[];
  /** From the server's admission to the page's noticing it; null if never admitted while waiting. */
  noticeMs: (number | null)[];
  /** When the page noticed its admission (ms); null if never. The wait is this minus `firstJoinMs`. */
  noticedAtMs: (number | null)[];
  /** Places lost (ticket expired or page gave up) while the pupil still wanted in. */
  lostPlaces: number[];
  /** 0-based order in which the server admitted the pupil; null if never. */
  admissionOrder: (number | null)[];
  /** First successful join, ms: the line's FIFO order. null if never joined. */
  firstJoinMs: (number | null)[];
  /** Gave up waiting before admission (scenario.leaveShare). */
  left: boolean[];
}

/**
 * A crowd of several kinds (the lanes morning, lanes-morning.ts): who arrives when and in which lane, the
 * room's lanes, and the wall clock of t = 0 (lane windows are local times of day). Absent: scenario.pupils
 * pupils on the scenario's curve, one line, t = 0 at the epoch, as every run before lanes.
 */
export interface SimCrowd {
  /** Arrival times in ms from the start, one per person; `scenario.pupils` must be their number. */
  arrivalsMs: readonly number[];
  /** Each person's lane, as their pass names it; undefined: no pass, the default lane. */
  lanes: readonly (string | undefined)[];
  /** The room's lanes (RoomSettings.lanes); [] to run the same crowd in one line. */
  roomLanes: readonly LaneSettings[];
  /** Epoch ms of t = 0 (a school day at scenario.startClock, Paris time). */
  clockOriginMs: number;
}

export interface SimResult {
  policy: string;
  scenario: Scenario;
  series: SimSeries;
  pupils: SimPupils;
}

export async function simulate<S>(scenario: Scenario, model: ClientModel<S>, crowd?: SimCrowd): Promise<SimResult> {
  const random = createSeededRandom(scenario.seed);
  let ids = 0;
  // The store and the pacing see wall-clock times (a lane's window opens at 8:30 Paris time); the series t.
  const origin = crowd?.clockOriginMs ?? 0;
  const lanes = crowd && crowd.roomLanes.length > 0 ? { lanes: [...crowd.roomLanes] } : {};
  const store = new MemoryStore({
    defaults: { capacity: scenario.capacity, admitPerMinute: scenario.admitPerMinute, open: true, ...lanes },
    waitingTtlMs: model.waitingTtlMs,
    sessionTtlMs: SESSION_TTL_MS,
    newId: () => `t${ids++}`,
    random: createSeededRandom(scenario.seed ^ 0x5eed),
  });
  const n = scenario.pupils;
  const arrivals = crowd ? crowd.arrivalsMs : arrivalTimesMs(scenario, random);
  const states: S[] = new Array(n);
  const tickets: (string | null)[] = new Array(n).fill(null);
  const joins = new Array<number>(n).fill(0);
  const lastJoinMs = new Array<number>(n).fill(NaN);
  const admittedMs = new Array<number>(n).fill(NaN);
  const out: SimPupils = {
    requests: new Array(n).fill(0),
    noticeMs: new Array(n).fill(null),
    noticedAtMs: new Array(n).fill(null),
    lostPlaces: new Array(n).fill(0),
    admissionOrder: new Array(n).fill(null),
    firstJoinMs: new Array(n).fill(null),
    left: new Array(n).fill(false),
  };
  const series: SimSeries = { requests: [], failed: [], waiting: [], admitted: [] };
  let last: RoomSnapshot | null = null;
  let admittedSoFar = 0;

  const second = (t: number): number => {
    const s = Math.floor(t / 1000);
    while (series.requests.length <= s) {
      series.requests.push(0);
      series.failed.push(0);
      series.waiting.push(last?.waiting ?? 0);
      series.admitted.push(0);
    }
    return s;
  };
  const observe = (s: number, room: RoomSnapshot): void => {
    last = room;
    const total = room.totals?.admitted ?? 0;
    series.admitted[s] += total - admittedSoFar;
    admittedSoFar = total;
    series.waiting[s] = room.waiting;
  };

  const queue = new EventQueue();
  for (let i = 0; i < n; i++) {
    states[i] = model.create();
    queue.push(arrivals[i], i * 4 + REQUEST);
    if (random() < scenario.leaveShare) {
      queue.push(arrivals[i] + 1000 * (scenario.leaveMinS + random() * (scenario.leaveMaxS - scenario.leaveMinS)), i * 4 + LEAVE);
    }
  }

  const rejoin = (i: number, t: number): void => {
    if (tickets[i] !== null) out.lostPlaces[i]++;
    tickets[i] = null;
    joins[i]++;
    states[i] = model.create();
    queue.push(t + REJOIN_AFTER_MS, i * 4 + REQUEST);
  };

  while (queue.size > 0) {
    const t = queue.peekTime();
    const event = queue.pop();
    const i = event >> 2;
    const kind = event & 3;
    if (out.left[i]) continue;
    if (kind === LEAVE) {
      if (!Number.isNaN(admittedMs[i])) continue; // admitted in time: stays
      out.left[i] = true;
      const id = tickets[i];
      if (id !== null && random() < scenario.leaveReleaseShare) await release(i, id, t);
      continue;
    }
    if (kind === RELEASE) {
      await release(i, tickets[i]!, t);
      continue;
    }
    if (!Number.isNaN(admittedMs[i])) continue;
    const s = second(t);
    series.requests[s] += model.requestsPerPoll;
    out.requests[i] += model.requestsPerPoll;
    let answer: Answer;
    // Beyond what the server can answer in this second, the request fails like an outage.
    const overloaded = series.requests[s] - series.failed[s] > (scenario.serverRequestsPerSecond ?? Infinity);
    if (overloaded || isDown(scenario, t)) {
      series.failed[s] += model.requestsPerPoll;
      answer = { kind: 'network' };
    } else {
      const id = tickets[i];
      let result: TicketResult | null;
      if (id === null) {
        // Each pupil from an address of its own: the fair line (fair-round.ts) is then plain join order.
        result = await store.join(ROOM, `p${i}-${joins[i]}`, origin + t, `pupil-${i}`, crowd?.lanes[i]);
        tickets[i] = result.ticket.id;
        lastJoinMs[i] = t;
        out.firstJoinMs[i] ??= t;
      } else {
        result = await store.status(ROOM, id, origin + t);
      }
      if (result === null) {
        rejoin(i, t); // the 410: this place is gone
        continue;
      }
      observe(s, result.room);
      const { ticket, room } = result;
      if (ticket.state === 'admitted') {
        admittedMs[i] = ticket.admittedAt! - origin;
        out.noticeMs[i] = t - admittedMs[i];
        out.noticedAtMs[i] = t;
        const sessionS = scenario.sessionMinS + random() * (scenario.sessionMaxS - scenario.sessionMinS);
        queue.push(t + sessionS * 1000, i * 4 + RELEASE);
        continue;
      }
      const position = ticket.position ?? room.waiting;
      const estimate = roomWaitEstimate(position, room, origin + t);
      const pollAfterMs = waitingPollAfterMs(position, room.waiting, estimate, scenario.statusBudgetPerSecond,
        graceSafePollMaxMs(gracePosition(ticket.lane, position, room, origin + t), room.settings.admitPerMinute, DEFAULT_STORE_OPTIONS.admitGraceMs));
      answer = { kind: 'ok', pollAfterMs, etaSeconds: estimate?.etaSeconds ?? null, position };
    }
    const next = model.next(states[i], answer, t, random);
    if (next === null) rejoin(i, t);
    else {
      states[i] = next.state;
      queue.push(t + next.delayMs, i * 4 + REQUEST);
    }
  }
  orderAdmissions(admittedMs, lastJoinMs, out.admissionOrder);
  return { policy: model.name, scenario, series, pupils: out };

  async function release(i: number, id: string, t: number): Promise<void> {
    const s = second(t);
    series.requests[s]++;
    out.requests[i]++;
    if (isDown(scenario, t)) series.failed[s]++; // lost: the seat frees when the session times out
    else await store.release(ROOM, id, origin + t);
  }
}

/** Admission order: by admission time, then by join time (one store call admits several in line order). */
function orderAdmissions(admittedMs: number[], joinMs: number[], order: (number | null)[]): void {
  const admitted = [...admittedMs.keys()].filter((i) => !Number.isNaN(admittedMs[i]));
  admitted.sort((a, b) => admittedMs[a] - admittedMs[b] || joinMs[a] - joinMs[b]);
  admitted.forEach((pupil, rank) => (order[pupil] = rank));
}
