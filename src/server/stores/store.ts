/**
 * The queue store: every operation that must be atomic is one method, so a Redis store (one Lua
 * script per method) can implement the same interface as the in-memory one. All methods are lazy:
 * they first expire stale tickets and admit the next pupils as of `now`, then do their job. No timers.
 */
import type { RoomConfig } from '../../core/protocol/protocol.js';
import type { LaneSettings } from './lane-schedule.js';

export interface RoomSettings {
  /** Max admitted sessions at once. 0 makes everyone wait. */
  capacity: number;
  /** Max new admissions in any sliding 60-second window. */
  admitPerMinute: number;
  /** false pauses admissions: pupils may still join and keep their place. */
  open: boolean;
  /**
   * Scheduled opening, ms since the epoch; null or absent: no schedule. Before it nobody is admitted and
   * newcomers wait in a pre-queue whose order is drawn at random at opening, so arriving early (or with a
   * script at 7:59:59.999) buys nothing. See docs/protocol.md, "Scheduled opening".
   */
  opensAt?: number | null;
  /**
   * Priority lanes, each with a share of the admissions while someone waits in it (lane-schedule.ts); the
   * default lane gets the rest. Absent or []: one line, as before lanes.
   */
  lanes?: LaneSettings[];
}

export interface StoreOptions {
  /** Settings of a room created by a join or an admin call that does not say otherwise. */
  defaults: RoomSettings;
  /** A waiting ticket not seen for this long loses its place. */
  waitingTtlMs: number;
  /** An admitted session not seen for this long frees its seat. */
  sessionTtlMs: number;
  /** An admitted session ends this long after its admission, however alive (a school day: 10 h by default). */
  maxSessionMs: number;
  /**
   * An admission nobody has claimed yet (the pupil's client has not asked since) ends this long after it
   * was made, or at sessionTtl if sooner, and the seat passes on. See docs/protocol.md, "Admission grace".
   */
  admitGraceMs: number;
  /** How far back admissions are counted to measure the room's admission rate (ETA). */
  statsWindowMs: number;
  /**
   * Rooms the operator declared (`--rooms FILE`), with their full settings: created from these (not the
   * defaults) whenever they are missing, by any call, and never forgotten. See room-policy.ts.
   */
  declaredRooms?: Readonly<Record<string, RoomSettings>>;
  /** Whether a pupil's join may create a room nobody declared or configured (`--room-creation`). Default true. */
  createOnJoin?: boolean;
  /** A join may not create a room beyond this many (`--max-rooms`); admin calls and declared rooms may. */
  maxRooms?: number;
  /**
   * A room nobody declared or configured is forgotten once unused this long (memory), or its Redis keys
   * expire; default: when every ticket it held would have expired (room-policy.ts).
   */
  roomIdleTtlMs?: number;
}

/** A live ticket. Tickets that ended (released, expired) are forgotten: the store returns null. */
export interface TicketRecord {
  id: string;
  room: string;
  state: 'waiting' | 'admitted';
  /**
   * 1-based place in line while waiting, otherwise null: who will really pass before, all lanes counted
   * (lane-schedule.ts, aheadAcrossLanes). In a pre-queue (before a scheduled opening)
   * the order is not settled until opening: every pre-queued pupil gets the last place the draw can
   * give (everyone waiting), an upper bound that reveals nothing of the draw.
   */
  position: number | null;
  createdAt: number;
  admittedAt: number | null;
  /** The ticket's lane when its join named a lane of the room (lane-schedule.ts); absent: the default lane. */
  lane?: string;
}

export interface RoomSnapshot {
  room: string;
  settings: RoomSettings;
  createdAt: number;
  /** Waiting pupils, the pre-queue included. */
  waiting: number;
  active: number;
  /** Admissions within the last `statsWindowMs` (or since the room was created, if later). */
  recentAdmissions: number;
  /** Counters since the room was created, for the admin API and /metrics; optional: a store may not count. */
  totals?: RoomTotals;
}

/** Monotonic per-room counters (they only grow while the room exists). */
export interface RoomTotals {
  /** Pupils admitted. */
  admitted: number;
  /** Waiting tickets that expired (pupils who gave up without leaving). */
  expiredWaiting: number;
  /** Admitted sessions that expired (not seen for sessionTtl, at maxSession, or admissions not claimed within admitGrace). */
  expiredSessions: number;
  /** Tickets ended by a release (waiting or admitted). */
  released: number;
}

export interface TicketResult {
  ticket: TicketRecord;
  room: RoomSnapshot;
}

export interface JoinResult extends TicketResult {
  /** false when the key already held a live ticket in this room (idempotent join). */
  created: boolean;
}

/** Why a ticket the store no longer holds ended, when the store remembers (for sessionTtl after the end). */
export type TicketEndReason = 'admission-unclaimed';

export interface Store {
  /**
   * Joins the line, or returns the live ticket this key already holds (with its place, whatever
   * `client` says now). Creates a missing room from its declaration or the defaults; throws
   * RoomNotFoundError when joins may not create it, TooManyRoomsError beyond maxRooms (store-errors.ts).
   * `client`: who joins, the join limiter's bucket (an IPv4 address or IPv6 /64, http/client-address.ts).
   * The line is fair between clients (fair-round.ts): a client's k-th waiting ticket goes k rounds back.
   * Absent: the ticket is its own client (plain join order).
   */
  join(room: string, key: string, now: number, client?: string, lane?: string): Promise<JoinResult>;
  /**
   * Reads a ticket and counts the call as a sign of life. An admitted ticket is thereby claimed (as by a
   * join that returns it admitted). null: unknown room or ticket gone.
   */
  status(room: string, id: string, now: number): Promise<TicketResult | null>;
  /** Why a ticket that `status` reports gone ended; null when it simply expired, was released or is unknown. */
  endReason(room: string, id: string, now: number): Promise<TicketEndReason | null>;
  /**
   * Whether the ticket holds a seat at `now`: admitted, seen within sessionTtl, within maxSession of its
   * admission, and claimed (or still within admitGrace). The `/verify` gate asks it on every gated request
   * (cached 2 s per ticket), so it is O(1) and read-only: no expiry pass, no sign of life, nothing created.
   */
  isAdmitted(room: string, id: string, now: number): Promise<boolean>;
  /**
   * Whether the ticket is held at `now`, waiting (seen within waitingTtl) or admitted (as isAdmitted says).
   * Read-only like isAdmitted: the one-ticket-per-pass check (passes/place-by-pass.ts) asks it about another
   * join's ticket, and reading it with `status` was a sign of life: replaying a pass every minute kept an
   * abandoned ticket, and the subject, for ever (test/server/passes/pass-replay.test.ts).
   */
  isLive(room: string, id: string, now: number): Promise<boolean>;
  /** Leaves the line or frees the seat. Idempotent: unknown tickets are ignored. */
  release(room: string, id: string, now: number): Promise<void>;
  /** Creates the room (defaults + patch) or changes it. `created` tells which. */
  configureRoom(room: string, patch: RoomConfig, now: number): Promise<{ room: RoomSnapshot; created: boolean }>;
  /** Public counters of a room; null if it does not exist. */
  roomStatus(room: string, now: number): Promise<RoomSnapshot | null>;
  /** Expires stale tickets and admits the next pupils as of `now`. Other methods call it first. */
  advance(room: string, now: number): Promise<void>;
  /** Every room's counters (admin listing), sorted by room id. Each room is advanced first. */
  listRooms(now: number): Promise<RoomSnapshot[]>;
  /** Releases connections (Redis); the memory store has nothing to close. */
  close?(): Promise<void>;
}
