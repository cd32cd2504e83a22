/**
 * One room of the in-memory store. Every step is O(1) amortised except a place in line, O(log n):
 * - `line` holds waiting tickets in join order, so the front is its first node;
 * - `waitingBySeen` / `sessionsBySeen` hold tickets in last-seen order (a touch moves a ticket to the
 *   end), so expiry only looks at the stalest tickets and stops at the first fresh one;
 * - `ranks` counts the waiting tickets that joined before a given one, so positions stay exact when
 *   tickets in the middle of the line expire or leave;
 * - `preQueue` holds pupils who arrived before a scheduled opening; at opening they are shuffled
 *   (Fisher–Yates, O(n) once) and appended to the line, so arriving first before opening buys nothing;
 * - `unclaimed` holds admitted tickets whose client has not asked since, in admission order, so an
 *   admission not claimed within admitGrace ends at the front; `endedUnclaimed` remembers those ids
 *   (in end order) for sessionTtl, so a pupil coming back late learns why the seat is gone;
 * - `sessionsByAdmission` holds admitted tickets in admission order, so a session reaching maxSession
 *   ends at the front however alive it is.
 * This relies on `now` never going backwards, which the server's clock guarantees in practice.
 */
import { RATE_WINDOW_MS, admissionsAllowed } from '../rooms.js';
import { LinkedList, type ListNode } from './linked-list.js';
import { RankIndex } from './rank-index.js';
import { beforeOpening } from './settings-patch.js';
import type { RoomSettings, RoomSnapshot, RoomTotals, StoreOptions, TicketEndReason, TicketRecord } from './store.js';

interface Ticket {
  id: string;
  key: string;
  seq: number;
  createdAt: number;
  lastSeen: number;
  admittedAt: number | null;
  /** In `preQueue` (true) or `line` (false) while waiting; `seq` is -1 in the pre-queue. */
  prequeued: boolean;
  /** Node in `line` or `preQueue` while waiting. */
  lineNode: ListNode<Ticket> | null;
  /** Node in `waitingBySeen` or `sessionsBySeen`. */
  seenNode: ListNode<Ticket> | null;
  /** Node in `unclaimed` from admission until the pupil's client first asks. */
  unclaimedNode: ListNode<Ticket> | null;
  /** Node in `sessionsByAdmission` once admitted. */
  admittedNode: ListNode<Ticket> | null;
}

export class MemoryRoom {
  private readonly byId = new Map<string, Ticket>();
  private readonly byKey = new Map<string, Ticket>();
  private readonly line = new LinkedList<Ticket>();
  private readonly preQueue = new LinkedList<Ticket>();
  private readonly waitingBySeen = new LinkedList<Ticket>();
  private readonly sessionsBySeen = new LinkedList<Ticket>();
  private readonly unclaimed = new LinkedList<Ticket>();
  private readonly sessionsByAdmission = new LinkedList<Ticket>();
  /** Admissions that ended unclaimed, in end order (forgotten from the front), and their ids for lookup. */
  private readonly endedUnclaimed = new LinkedList<{ id: string; endedAt: number }>();
  private readonly endedUnclaimedIds = new Set<string>();
  private readonly ranks = new RankIndex();
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
  ) {}

  join(key: string, id: string, now: number): { ticket: TicketRecord; created: boolean } {
    this.expire(now);
    const existing = this.byKey.get(key);
    if (existing) {
      this.touch(existing, now);
      this.admit(now);
      this.claim(existing);
      return { ticket: this.record(existing), created: false };
    }
    const prequeued = beforeOpening(this.settings, now);
    const seq = prequeued ? -1 : this.ranks.push();
    const ticket: Ticket = { id, key, seq, prequeued, createdAt: now, lastSeen: now, admittedAt: null, lineNode: null, seenNode: null, unclaimedNode: null, admittedNode: null };
    this.byId.set(id, ticket);
    this.byKey.set(key, ticket);
    ticket.lineNode = (prequeued ? this.preQueue : this.line).push(ticket);
    ticket.seenNode = this.waitingBySeen.push(ticket);
    this.admit(now);
    this.claim(ticket); // admitted on the spot: the answer hands the admission over
    return { ticket: this.record(ticket), created: true };
  }

  status(id: string, now: number): TicketRecord | null {
    this.advance(now);
    const ticket = this.byId.get(id);
    if (!ticket) return null;
    this.touch(ticket, now);
    this.claim(ticket);
    return this.record(ticket);
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
      waiting: this.line.size + this.preQueue.size,
      active: this.sessionsBySeen.size,
      recentAdmissions: this.admittedSince(now - this.options.statsWindowMs),
      totals: { ...this.totals },
    };
  }

  private record(ticket: Ticket): TicketRecord {
    const waiting = ticket.admittedAt === null;
    return {
      id: ticket.id,
      room: this.name,
      state: waiting ? 'waiting' : 'admitted',
      position: !waiting ? null : ticket.prequeued ? this.line.size + this.preQueue.size : this.ranks.rank(ticket.seq),
      createdAt: ticket.createdAt,
      admittedAt: ticket.admittedAt,
    };
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

  private leaveLine(ticket: Ticket): void {
    if (ticket.lineNode) (ticket.prequeued ? this.preQueue : this.line).remove(ticket.lineNode);
    ticket.lineNode = null;
    if (!ticket.prequeued) this.ranks.remove(ticket.seq);
    ticket.prequeued = false;
  }

  /** Expires stale tickets, then opens the pre-queue if its time has come. */
  private expire(now: number): void {
    this.expireStale(now);
    if (this.preQueue.size > 0 && !beforeOpening(this.settings, now)) this.openPreQueue();
  }

  private openPreQueue(): void {
    const drawn: Ticket[] = [];
    for (let ticket = this.preQueue.first(); ticket; ticket = this.preQueue.first()) {
      this.leaveLine(ticket);
      drawn.push(ticket);
    }
    for (let i = drawn.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [drawn[i], drawn[j]] = [drawn[j], drawn[i]];
    }
    for (const ticket of drawn) {
      ticket.seq = this.ranks.push();
      ticket.lineNode = this.line.push(ticket);
    }
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
    let allowed = admissionsAllowed(this.settings, this.sessionsBySeen.size, this.admittedSince(now - RATE_WINDOW_MS));
    for (let ticket = this.line.first(); ticket && allowed > 0; ticket = this.line.first(), allowed--) {
      this.leaveLine(ticket);
      if (ticket.seenNode) this.waitingBySeen.remove(ticket.seenNode);
      ticket.admittedAt = now;
      ticket.lastSeen = now; // the session TTL starts at admission
      ticket.seenNode = this.sessionsBySeen.push(ticket);
      ticket.unclaimedNode = this.unclaimed.push(ticket);
      ticket.admittedNode = this.sessionsByAdmission.push(ticket);
      this.admissions.push(now);
      this.totals.admitted++;
    }
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
