/**
 * Lanes: which line the next admission comes from (docs/adr/0014-lanes-stride-scheduling.md). Pure, shared
 * by the memory store (memory-room.ts), mirrored in lua/room.lua, and used by the simulator (src/sim).
 *
 * Stride scheduling: each lane keeps a virtual time `vt`; admitting from a lane adds 1/share to it; the next
 * admission goes to the non-empty lane with a share > 0 and the smallest vt (ties: the lane listed first,
 * the default lane last). The room keeps a virtual time of its own, `gvt`: the vt of the last pick. A lane
 * that becomes non-empty starts at max(gvt, the smallest vt of the other waiting lanes) (wakeVt), and a
 * lane waiting with share 0 (outside its window) is lifted to gvt at every pass: no credit banked while
 * empty or closed, and no debt carried from a time it was alone. Without gvt, 20 parents waiting for
 * their 08:30 window took 20 of the first 20 seats at 08:30 (share 0.1: 2 expected), and 40 pupils passed
 * a teacher told "position 1" because 40 staff had come in alone at 07:40 (test/server/stores/lanes-fairness.test.ts).
 * Over any stretch where lanes A and B both wait, their admissions differ from share(A) : share(B) by at
 * most one.
 */

/** The lane every ticket without a (valid) lane goes to. Always there, with 1 − Σ the lanes' shares. */
export const DEFAULT_LANE = 'default';

/**
 * Lanes a room may have in use beside the default one: its 8 configured at most (protocol.ts LanesSchema)
 * plus 4 removed while tickets still drain from them. Redis declares each lane's line to its scripts
 * (redis-keys.ts, for Cluster), so their number is fixed; the memory store keeps the same limit, so that a
 * join naming a lane beyond it goes to the default lane in both (lanes-conformance.ts).
 */
export const MAX_LANES_IN_USE = 12;

export interface LaneWindow {
  /** "HH:MM", local time in `timeZone`. */
  from: string;
  /** "HH:MM", default the end of the day; before `from`: the window spans midnight. */
  to?: string;
  /** IANA time zone, default Europe/Paris. */
  timeZone?: string;
  /** Share outside the window, default 0: nobody admitted from this lane outside it. */
  shareOutside?: number;
}

export interface LaneSettings {
  /** /^[a-z][a-z0-9-]{0,31}$/, not "default". */
  name: string;
  /** 0 < share < 1: this lane's share of admissions while it has someone waiting. */
  share: number;
  window?: LaneWindow;
}

/** A lane as the scheduler sees it at one moment. */
export interface LaneTurn {
  name: string;
  /** Share at this moment (laneShareAt): 0 is not admitted. */
  share: number;
  vt: number;
  waiting: number;
}

export const DEFAULT_TIME_ZONE = 'Europe/Paris';

/** The default lane's share: what the lanes leave. Validation keeps it ≥ 0.05 (room config). */
export function defaultShare(lanes: readonly LaneSettings[]): number {
  return Math.max(0, 1 - lanes.reduce((sum, lane) => sum + lane.share, 0));
}

/**
 * The share of lane `name` at `now`: its share inside its window (or always, without one), its
 * shareOutside outside. The default lane, and a lane no longer configured whose tickets still wait
 * (they drain beside the default lane, room-config decision in docs/protocol.md), get the default share.
 */
export function laneShareAt(lanes: readonly LaneSettings[], name: string, now: number): number {
  const lane = lanes.find((candidate) => candidate.name === name);
  if (lane === undefined) return defaultShare(lanes);
  if (lane.window === undefined) return lane.share;
  return inWindow(lane.window, now) ? lane.share : (lane.window.shareOutside ?? 0);
}

/** Index in `lanes` of the lane the next admission comes from; -1 when none may be admitted. */
export function pickLane(lanes: readonly LaneTurn[]): number {
  let best = -1;
  for (let i = 0; i < lanes.length; i++) {
    const lane = lanes[i]!;
    if (lane.waiting <= 0 || !(lane.share > 0)) continue;
    if (best < 0 || lane.vt < lanes[best]!.vt) best = i;
  }
  return best;
}

/** A lane's vt once one of its tickets is admitted. */
export function chargedVt(vt: number, share: number): number {
  return vt + 1 / share;
}

/**
 * The vt of lane `index` as it becomes non-empty: level with the room (max of gvt and the smallest vt of
 * the other waiting lanes), whatever it was. Its own old vt is at most one stride above gvt (the charge of
 * its last pick: debt) or below it (credit banked while empty); both are dropped, so a teacher arriving at
 * an empty staff lane is next, as told (test/server/stores/lanes-fairness.test.ts).
 */
export function wakeVt(lanes: readonly LaneTurn[], index: number, gvt = 0): number {
  let others = Number.POSITIVE_INFINITY;
  lanes.forEach((lane, i) => {
    if (i !== index && lane.waiting > 0 && lane.share > 0) others = Math.min(others, lane.vt);
  });
  return Math.max(gvt, others === Number.POSITIVE_INFINITY ? gvt : others);
}

/** Lanes waiting with share 0 (a closed window) keep level with the room's virtual time: see the header. */
export function liftClosedLanes(lanes: LaneTurn[], gvt: number): void {
  for (const lane of lanes) if (lane.waiting > 0 && !(lane.share > 0) && lane.vt < gvt) lane.vt = gvt;
}

// Virtual times are sums of 1/share: compared with a tolerance so 0.1 + 0.2 ties with 0.3.
const EPSILON = 1e-9;

/**
 * The 1-based place of a ticket with `aheadInLane` tickets ahead in lane `own` (an index in `lanes`, the
 * scheduling order): those, plus from every other waiting lane the tickets stride scheduling picks before
 * it, plus one. The ticket is picked when its lane's vt reaches vt + aheadInLane/share; lane M's k-th ticket
 * at vt(M) + k/share(M), before it if lower, or equal and M listed first. Exact while nobody joins or
 * windows change; a ticket in a lane admitting nobody now (share 0) has everyone waiting elsewhere ahead.
 */
export function aheadAcrossLanes(aheadInLane: number, lanes: readonly LaneTurn[], own: number): number {
  const mine = lanes[own]!;
  let position = aheadInLane + 1;
  const target = mine.vt + aheadInLane / mine.share;
  lanes.forEach((lane, i) => {
    if (i === own || lane.waiting <= 0 || !(lane.share > 0)) return;
    if (!(mine.share > 0)) return void (position += lane.waiting);
    const limit = (target - lane.vt) * lane.share;
    const before = i < own ? (limit < -EPSILON ? 0 : Math.floor(limit + EPSILON) + 1) : limit <= EPSILON ? 0 : Math.ceil(limit - EPSILON);
    position += Math.min(lane.waiting, before);
  });
  return position;
}

/**
 * How long until lane `name` admits again, for the ETA of a ticket in a lane outside its window: 0 when it
 * admits now (or has no window), else until its window's next `from`, in its time zone.
 */
export function msUntilLaneOpens(lanes: readonly LaneSettings[], name: string, now: number): number {
  const lane = lanes.find((candidate) => candidate.name === name);
  if (lane?.window === undefined || laneShareAt(lanes, name, now) > 0) return 0;
  const minutes = (minuteOfDay(lane.window.from) - localMinute(now, lane.window.timeZone ?? DEFAULT_TIME_ZONE) + 24 * 60) % (24 * 60);
  // Every zone in use today is offset by whole minutes from UTC, so local and UTC seconds agree.
  return Math.max(0, minutes * 60_000 - (now % 60_000));
}

/** Whether `now` falls in the daily window, in the window's time zone (daylight saving included). */
export function inWindow(window: LaneWindow, now: number): boolean {
  const minute = localMinute(now, window.timeZone ?? DEFAULT_TIME_ZONE);
  const from = minuteOfDay(window.from);
  const to = window.to === undefined ? 24 * 60 : minuteOfDay(window.to);
  return from <= to ? minute >= from && minute < to : minute >= from || minute < to;
}

/** "HH:MM" → minutes since midnight ("24:00" allowed as the end of the day). */
export function minuteOfDay(time: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(time);
  if (!match) throw new RangeError(`not a time of day "HH:MM": ${time}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

// Building a DateTimeFormat costs ~40 µs; an admission pass asks once per lane: cached per zone.
const formats = new Map<string, Intl.DateTimeFormat>();

/** Minutes since local midnight in `timeZone` at `now`. */
export function localMinute(now: number, timeZone: string): number {
  let format = formats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(timeZone, format);
  }
  let hour = 0;
  let minute = 0;
  for (const part of format.formatToParts(now)) {
    if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return hour * 60 + minute;
}

/** Whether `timeZone` is a time zone this runtime knows (validation). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return true;
  } catch {
    return false;
  }
}
