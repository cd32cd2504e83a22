/**
 * One room of the in-memory store. Every step is O(1) amortised except the line, O(log n):
 * - `line` holds waiting tickets in fair order (fair-line.ts: by round, then join order; a client's
 *   k-th waiting ticket k rounds back) and gives each one's exact place, also after tickets in the
 *   middle expire or leave;
 * - `waitingBySeen` / `sessionsBySeen` hold tickets in last-seen order (a touch moves a ticket to the
 *   end), so expiry only looks at the stalest tickets and stops at the first fresh one;
 * - `preQueue` holds pupils who arrived before a scheduled opening, their rounds given at arrival; at
 *   opening they are shuffled (Fisher–Yates, O(n) once) and placed in line in that order, behind the
 *   tickets of their round already there, so arriving first before opening buys nothing;
 * - `unclaimed` holds admitted tickets whose client has not asked since, in admission order, so an
 *   admission not claimed within admitGrace ends at the front; `endedUnclaimed` remembers those ids
 *   (in end order) for sessionTtl, so a pupil coming back late learns why the seat is gone;
 * - `sessionsByAdmission` holds admitted tickets in admission order, so a session reaching maxSession
 *   ends at the front however alive it is.
 * - with lanes (lane-schedule.ts), `lanes` holds one such line per lane, each with its stride-scheduling
 *   virtual time; without, only the default lane's line, and everything is as before lanes.
 * This relies on `now` never going backwards, which the server's clock guarantees in practice.
 */
import { RATE_WINDOW_MS, admissionsAllowed } from '../room-policy/pacing.js';
import { FairLine, type LinePlace } from './fair-line.js';
import { DEFAULT_LANE, MAX_LANES_IN_USE, aheadAcrossLanes, defaultShare, chargedVt, laneShareAt, liftClosedLanes, pickLane, wakeVt, type LaneTurn } from './lane-schedule.js';
import { LinkedList, type ListNode } from './linked-list.js';
import { beforeOpening } from './settings-patch.js';
import type { RoomSettings, RoomSnapshot, RoomTotals, StoreOptions, TicketEndReason, TicketRecord } from './store.js';

interface Ticket {
  id: string;
  key: string;
  createdAt: number;
  lastSeen: number;
  admittedAt: number | null;
  /** In `preQueue` (true) or its lane's line (false) while waiting. */
  prequeued: boolean;
  /** Its lane: one of the room's, or the default. */
  lane: Lane;
  /** Place in its lane's line while waiting (entered, not yet placed, in the pre-queue). */
  place: LinePlace<Ticket> | null;
  /** Node in `preQueue` while pre-queued. */
  preQueueNode: ListNode<Ticket> | null;
  /** Node in `waitingBySeen` or `sessionsBySeen`. */
  seenNode: ListNode<Ticket> | null;
  /** Node in `unclaimed` from admission until the pupil's client first asks. */
  unclaimedNode: ListNode<Ticket> | null;
  /** Node in `sessionsByAdmission` once admitted. */
  admittedNode: ListNode<Ticket> | null;
}

/** One lane's line and its stride-scheduling state. */
interface Lane {
  readonly name: string;
  readonly line: FairLine<Ticket>;
  /** Virtual time (lane-schedule.ts). */
  vt: number;
  /** Tickets in this lane, pre-queued ones included: an empty lane no longer configured is forgotten. */
  members: number;
}

export class MemoryRoom {
  private readonly byId = new Map<string, Ticket>();
  private readonly byKey = new Map<string, Ticket>();
  private readonly lanes = new Map<string, Lane>();
  /** The room's virtual time: the vt of the last pick (lane-schedule.ts). */
  private gvt = 0;
  /** The default lane's line: every ticket's when the room has no lanes. */
  private readonly line: FairLine<Ticket>;
  private readonly preQueue = new LinkedList<Ticket>();
  private readonly waitingBySeen = new LinkedList<Ticket>();
  private readonly sessionsBySeen = new LinkedList<Ticket>();
  private readonly unclaimed = new LinkedList<Ticket>();
  private readonly sessionsByAdmission = new LinkedList<Ticket>();
  /** Admissions that ended unclaimed, in end order (forgotten from the front), and their ids for lookup. */
  private readonly endedUnclaimed = new LinkedList<{ id: string; endedAt: number }>();
  private readonly endedUnclaimedIds = new Set<string>();
  /** Admission times, oldest first; entries before `admissionsHead` are dropped lazily. */
  private admissions: number[] = [];
  private admissionsHead = 0;
  private readonly totals: RoomTotals = { admitted: 0, expiredWaiting: 0, expiredSessions: 0, released: 0 };

  constructor(
    readonly name: string,
    public settings: RoomSettings,
    readonly createdAt: number,
    private readonly options: StoreOptions,
    /** Draws the pre-queue order at opening; uniform in [0, 1). */
    private readonly random: () => number,
  ) {
    this.line = this.lane(DEFAULT_LANE).line;
  }

  /**
   * `client`: the joining client's key (fair-round.ts); null: its own client, plain join order. `lane`: a
   * lane of the room, else the default lane.
   */
  join(key: string, id: string, now: number, client: string | null = null, lane?: string): { ticket: TicketRecord; created: boolean } {
    this.expire(now);
    const existing = this.byKey.get(key);
    if (existing) {
      this.touch(existing, now);
      this.admit(now);
      this.claim(existing);
      return { ticket: this.record(existing, now), created: false };
    }
    const prequeued = beforeOpening(this.settings, now);
    const laneName = lane !== undefined && this.settings.lanes?.some((candidate) => candidate.name === lane) && this.laneInUseOrFree(lane) ? lane : DEFAULT_LANE;
    const ticket: Ticket = { id, key, prequeued, lane: this.lane(laneName), createdAt: now, lastSeen: now, admittedAt: null, place: null, preQueueNode: null, seenNode: null, unclaimedNode: null, admittedNode: null };
    this.byId.set(id, ticket);
    this.byKey.set(key, ticket);
    if (this.preQueue.size === 0) ticket.lane.line.restart();
    ticket.place = ticket.lane.line.enter(ticket, client);
    ticket.lane.members++;
    if (prequeued) ticket.preQueueNode = this.preQueue.push(ticket);
    else this.placeInLane(ticket, now);
    ticket.seenNode = this.waitingBySeen.push(ticket);
    this.admit(now);
    this.claim(ticket); // admitted on the spot: the answer hands the admission over
    return { ticket: this.record(ticket, now), created: true };
  }

  status(id: string, now: number): TicketRecord | null {
    this.advance(now);
    const ticket = this.byId.get(id);
    if (!ticket) return null;
    this.touch(ticket, now);
    this.claim(ticket);
    return this.record(ticket, now);
  }

  endReason(id: string, now: number): TicketEndReason | null {
    this.advance(now);
    return this.endedUnclaimedIds.has(id) ? 'admission-unclaimed' : null;
  }

  /** Read-only, O(1): the same verdict the next expiry pass would give, without running it. */
  isAdmitted(id: string, now: number): boolean {
    const ticket = this.byId.get(id);
    if (!ticket || ticket.admittedAt === null) return false;
    const { sessionTtlMs, maxSessionMs, admitGraceMs } = this.options;
    if (ticket.lastSeen + sessionTtlMs <= now || ticket.admittedAt + maxSessionMs <= now) return false;
    return ticket.unclaimedNode === null || ticket.admittedAt + admitGraceMs > now;
  }

  /** Read-only, O(1): waiting and seen within waitingTtl, or holding a seat. */
  isLive(id: string, now: number): boolean {
    const ticket = this.byId.get(id);
    if (!ticket) return false;
    if (ticket.admittedAt === null) return ticket.lastSeen + this.options.waitingTtlMs > now;
    return this.isAdmitted(id, now);
  }

  release(id: string, now: number): void {
    this.expire(now);
    const ticket = this.byId.get(id);
    if (ticket) {
      this.remove(ticket);
      this.totals.released++;
    }
    this.admit(now);
  }

  advance(now: number): void {
    this.expire(now);
    this.admit(now);
  }

  snapshot(now: number): RoomSnapshot {
    this.pruneAdmissions(now);
    return {
      room: this.name,
      settings: { ...this.settings },
      createdAt: this.createdAt,
      waiting: this.waitingInLines() + this.preQueue.size,
      active: this.sessionsBySeen.size,
      recentAdmissions: this.admittedSince(now - this.options.statsWindowMs),
      totals: { ...this.totals },
    };
  }

  private record(ticket: Ticket, now: number): TicketRecord {
    const waiting = ticket.admittedAt === null;
    return {
      id: ticket.id,
      room: this.name,
      state: waiting ? 'waiting' : 'admitted',
      position: !waiting ? null : ticket.prequeued ? this.waitingInLines() + this.preQueue.size : this.placeAcrossLanes(ticket, now),
      createdAt: ticket.createdAt,
      admittedAt: ticket.admittedAt,
      ...(ticket.lane.name === DEFAULT_LANE ? {} : { lane: ticket.lane.name }),
    };
  }

  /** Whether lane `name` is in use, or another may be (MAX_LANES_IN_USE besides the default, as Redis's slots). */
  private laneInUseOrFree(name: string): boolean {
    return this.lanes.has(name) || this.lanes.size - 1 < MAX_LANES_IN_USE;
  }

  /** The lane named so, made on first use. */
  private lane(name: string): Lane {
    let lane = this.lanes.get(name);
    if (lane === undefined) {
      lane = { name, line: new FairLine<Ticket>(), vt: 0, members: 0 };
      this.lanes.set(name, lane);
    }
    return lane;
  }

  private waitingInLines(): number {
    let waiting = 0;
    for (const lane of this.lanes.values()) waiting += lane.line.size;
    return waiting;
  }

  /**
   * The lanes as the scheduler sees them at `now`, in tie-break order: the room's lanes as configured, the
   * default lane, then lanes no longer configured whose tickets still wait (they drain at the default share).
   */
  private turns(now: number): { lanes: Lane[]; turns: LaneTurn[] } {
    const configured = this.settings.lanes ?? [];
    const lanes: Lane[] = [];
    for (const { name } of configured) {
      const lane = this.lanes.get(name);
      if (lane) lanes.push(lane);
    }
    lanes.push(this.lanes.get(DEFAULT_LANE)!);
    // Removed lanes by name, as lua/room.lua orders them.
    const removed = [...this.lanes.values()].filter((lane) => !lanes.includes(lane)).sort((a, b) => (a.name < b.name ? -1 : 1));
    lanes.push(...removed);
    const turns = lanes.map((lane) => ({ name: lane.name, share: laneShareAt(configured, lane.name, now), vt: lane.vt, waiting: lane.line.size }));
    return { lanes, turns };
  }

  /** Puts an entered ticket in its lane's line; a lane that was empty starts at the others' virtual time. */
  private placeInLane(ticket: Ticket, now: number): void {
    const lane = ticket.lane;
    if (lane.line.size === 0 && this.lanes.size > 1) {
      const { lanes, turns } = this.turns(now);
      lane.vt = wakeVt(turns, lanes.indexOf(lane), this.gvt);
    }
    lane.line.place(ticket.place!);
  }

  /** Who will pass before this ticket: ahead in its lane, plus what the other lanes get meanwhile. */
  private placeAcrossLanes(ticket: Ticket, now: number): number {
    const rank = ticket.lane.line.rank(ticket.place!);
    if (this.lanes.size === 1) return rank;
    const { lanes, turns } = this.turns(now);
    return aheadAcrossLanes(rank - 1, turns, lanes.indexOf(ticket.lane));
  }

  private touch(ticket: Ticket, now: number): void {
    ticket.lastSeen = Math.max(ticket.lastSeen, now);
    if (ticket.seenNode) this.seenList(ticket).moveToEnd(ticket.seenNode);
  }

  /** The answer to the pupil's client says "admitted": the seat is now theirs until sessionTtl. */
  private claim(ticket: Ticket): void {
    if (ticket.unclaimedNode) this.unclaimed.remove(ticket.unclaimedNode);
    ticket.unclaimedNode = null;
  }

  private remove(ticket: Ticket): void {
    if (ticket.unclaimedNode) this.unclaimed.remove(ticket.unclaimedNode);
    ticket.unclaimedNode = null;
    if (ticket.admittedNode) this.sessionsByAdmission.remove(ticket.admittedNode);
    ticket.admittedNode = null;
    this.byId.delete(ticket.id);
    if (this.byKey.get(ticket.key) === ticket) this.byKey.delete(ticket.key);
    this.leaveLine(ticket);
    if (ticket.seenNode) this.seenList(ticket).remove(ticket.seenNode);
    ticket.seenNode = null;
  }

  private seenList(ticket: Ticket): LinkedList<Ticket> {
    return ticket.admittedAt === null ? this.waitingBySeen : this.sessionsBySeen;
  }

  private leaveLine(ticket: Ticket, admitted = false): void {
    if (ticket.preQueueNode) this.preQueue.remove(ticket.preQueueNode);
    ticket.preQueueNode = null;
    if (ticket.place) {
      const lane = ticket.lane;
      lane.line.leave(ticket.place, admitted);
      // A lane no longer configured is forgotten with its last ticket (its place in the tie order with it).
      lane.members--;
      this.forgetIfUnused(lane);
    }
    ticket.place = null;
    ticket.prequeued = false;
  }

  /** Expires stale tickets, then opens the pre-queue if its time has come. */
  private expire(now: number): void {
    this.expireStale(now);
    if (this.preQueue.size > 0 && !beforeOpening(this.settings, now)) this.openPreQueue(now);
  }

  private openPreQueue(now: number): void {
    const drawn: Ticket[] = [];
    for (let ticket = this.preQueue.shift(); ticket; ticket = this.preQueue.shift()) {
      ticket.preQueueNode = null;
      ticket.prequeued = false;
      drawn.push(ticket);
    }
    for (let i = drawn.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [drawn[i], drawn[j]] = [drawn[j], drawn[i]];
    }
    // Each placed behind the tickets of its round already in line: in drawn order within a round.
    for (const ticket of drawn) this.placeInLane(ticket, now);
  }

  private expireStale(now: number): void {
    const grace = this.options.admitGraceMs;
    for (let ticket = this.unclaimed.first(); ticket && ticket.admittedAt! + grace <= now; ticket = this.unclaimed.first()) {
      this.remove(ticket);
      this.totals.expiredSessions++;
      this.endedUnclaimed.push({ id: ticket.id, endedAt: ticket.admittedAt! + grace });
      this.endedUnclaimedIds.add(ticket.id);
    }
    for (let ticket = this.sessionsByAdmission.first(); ticket && ticket.admittedAt! + this.options.maxSessionMs <= now; ticket = this.sessionsByAdmission.first()) {
      this.remove(ticket);
      this.totals.expiredSessions++;
    }
    for (let ended = this.endedUnclaimed.first(); ended && ended.endedAt + this.options.sessionTtlMs <= now; ended = this.endedUnclaimed.first()) {
      this.endedUnclaimed.shift();
      this.endedUnclaimedIds.delete(ended.id);
    }
    for (const [seen, ttl, total] of [
      [this.waitingBySeen, this.options.waitingTtlMs, 'expiredWaiting'],
      [this.sessionsBySeen, this.options.sessionTtlMs, 'expiredSessions'],
    ] as const) {
      for (let ticket = seen.first(); ticket && ticket.lastSeen + ttl <= now; ticket = seen.first()) {
        this.remove(ticket);
        this.totals[total]++;
      }
    }
  }

  private admit(now: number): void {
    this.pruneAdmissions(now);
    if (beforeOpening(this.settings, now)) return;
    const allowed = admissionsAllowed(this.settings, this.sessionsBySeen.size, this.admittedSince(now - RATE_WINDOW_MS));
    if (this.lanes.size === 1) {
      // Only the default lane holds tickets: today's line. Its virtual time still runs, so a lane that
      // fills later starts level with it (wakeVt), not behind by every admission made meanwhile.
      let admitted = 0;
      for (let ticket = this.line.first(); ticket && admitted < allowed; ticket = this.line.first(), admitted++) this.admitTicket(ticket, now);
      if (admitted > 0 && this.settings.lanes?.length) {
        const lane = this.lanes.get(DEFAULT_LANE)!;
        const stride = 1 / defaultShare(this.settings.lanes);
        this.gvt = lane.vt + (admitted - 1) * stride;
        lane.vt += admitted * stride;
      }
      return;
    }
    const { lanes, turns } = this.turns(now);
    for (let i = 0; i < allowed; i++) {
      const at = pickLane(turns);
      if (at < 0) break;
      const turn = turns[at]!;
      this.gvt = turn.vt;
      turn.vt = chargedVt(turn.vt, turn.share);
      turn.waiting--;
      this.admitTicket(lanes[at]!.line.first()!, now);
    }
    liftClosedLanes(turns, this.gvt);
    turns.forEach((turn, i) => {
      const lane = lanes[i]!;
      lane.vt = turn.vt;
      // As lua/room.lua: a lane no longer configured and empty is forgotten at the pass (with its vt).
      this.forgetIfUnused(lane);
    });
  }

  /** Forgets a lane the settings no longer name once nobody is in it (the default lane always stays). */
  private forgetIfUnused(lane: Lane): void {
    if (lane.name !== DEFAULT_LANE && lane.line.size === 0 && lane.members === 0 && !this.settings.lanes?.some((candidate) => candidate.name === lane.name)) {
      this.lanes.delete(lane.name);
    }
  }

  private admitTicket(ticket: Ticket, now: number): void {
    this.leaveLine(ticket, true);
    if (ticket.seenNode) this.waitingBySeen.remove(ticket.seenNode);
    ticket.admittedAt = now;
    ticket.lastSeen = now; // the session TTL starts at admission
    ticket.seenNode = this.sessionsBySeen.push(ticket);
    ticket.unclaimedNode = this.unclaimed.push(ticket);
    ticket.admittedNode = this.sessionsByAdmission.push(ticket);
    this.admissions.push(now);
    this.totals.admitted++;
  }

  /** Admissions strictly after `since` (binary search: the list is sorted). */
  private admittedSince(since: number): number {
    let lo = this.admissionsHead;
    let hi = this.admissions.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.admissions[mid] > since) hi = mid;
      else lo = mid + 1;
    }
    return this.admissions.length - lo;
  }

  private pruneAdmissions(now: number): void {
    const horizon = now - Math.max(this.options.statsWindowMs, RATE_WINDOW_MS);
    while (this.admissionsHead < this.admissions.length && this.admissions[this.admissionsHead] <= horizon) {
      this.admissionsHead++;
    }
    if (this.admissionsHead > 1024 && this.admissionsHead * 2 > this.admissions.length) {
      this.admissions = this.admissions.slice(this.admissionsHead);
      this.admissionsHead = 0;
    }
  }
}
