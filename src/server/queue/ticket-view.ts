/** Turns store records into protocol v1 answers (TicketStatus, RoomStatus). */
import type { RoomStatus, TicketStatus } from '../../core/protocol/protocol.js';
import { admittedPollAfterMs, graceSafePollMaxMs, roomWaitEstimate, waitingPollAfterMs, type SteeringBounds, type WaitEstimate } from '../room-policy/pacing.js';
import { HttpError } from '../http/errors.js';
import { laneShareAt, msUntilLaneOpens } from '../stores/lane-schedule.js';
import type { RoomSnapshot, Store, TicketResult } from '../stores/store.js';
import type { Tokens } from '../admission/tokens.js';

export interface ViewContext {
  tokens: Tokens;
  now: number;
  /** An admitted session not seen for this long ends; admitted clients are paced from it too. */
  sessionTtlMs: number;
  /** Each admission token lives this long from the answer that carries it (docs/protocol.md, "Admission lifetime"). */
  admissionTtlMs: number;
  /** No token outlives admittedAt + maxSession: the store ends the session then. */
  maxSessionMs: number;
  /** How long an admission waits to be claimed: no hint may outlast it (room-policy/pacing.ts `graceSafePollMaxMs`). */
  admitGraceMs: number;
  /** Status requests per second the whole line of a room may send (room-policy/pacing.ts); a default when absent. */
  statusBudgetPerSecond?: number;
  /** The autopilot's rate bounds for a room it steers, else null: the range then widens within them (pacing.ts `steeredBand`). */
  steeringOf?: (room: string) => SteeringBounds | null;
}

export async function ticketStatus(result: TicketResult, ctx: ViewContext, withCredential = false): Promise<TicketStatus> {
  const { ticket, room } = result;
  // Object literals with every key written out, in the protocol's order, rather than spreads: on this hot
  // path (every status poll) V8 builds `{...a, k: v, ...b}` many times slower than a plain literal.
  const serverTime = new Date(ctx.now).toISOString();
  if (ticket.state === 'admitted' && ticket.admittedAt !== null) {
    // A fresh token on every admitted answer, so a pupil who keeps coming back keeps passing the gate;
    // a short one, so a copied or released token soon stops (the gate also asks the store, cached 2 s).
    const expiresAt = Math.min(ctx.now + ctx.admissionTtlMs, ticket.admittedAt + ctx.maxSessionMs);
    const token = await ctx.tokens.admissionToken({ room: ticket.room, ticketId: ticket.id, admittedAt: ticket.admittedAt, expiresAt });
    const admitted: TicketStatus = {
      id: ticket.id,
      room: ticket.room,
      state: 'admitted',
      position: null,
      ahead: 0,
      etaSeconds: 0,
      etaLowSeconds: 0,
      etaHighSeconds: 0,
      // Paced by the shorter of the two lives, so a page that keeps polling always holds a valid token.
      pollAfterMs: admittedPollAfterMs(Math.min(ctx.sessionTtlMs, ctx.admissionTtlMs)),
      serverTime,
    };
    if (withCredential) admitted.ticket = ctx.tokens.ticketCredential(ticket.room, ticket.id, ticket.createdAt);
    admitted.admission = { token, expiresAt: new Date(expiresAt).toISOString() };
    return admitted;
  }
  const position = ticket.position ?? room.waiting;
  const estimate = laneEstimate(ticket.lane, room, ctx.now, roomWaitEstimate(position, room, ctx.now, ctx.steeringOf?.(ticket.room)));
  const waiting: TicketStatus = {
    id: ticket.id,
    room: ticket.room,
    state: 'waiting',
    position,
    ahead: position - 1,
    etaSeconds: estimate?.etaSeconds ?? null,
    etaLowSeconds: estimate?.etaLowSeconds ?? null,
    etaHighSeconds: estimate?.etaHighSeconds ?? null,
    pollAfterMs: waitingPollAfterMs(
      position,
      room.waiting,
      estimate,
      ctx.statusBudgetPerSecond,
      graceSafePollMaxMs(gracePosition(ticket.lane, position, room, ctx.now), room.settings.admitPerMinute, ctx.admitGraceMs),
    ),
    serverTime,
    // Said to the pupil while waiting (« vous aurez 3 minutes pour entrer »), not learnt by losing the place.
    admitGraceSeconds: Math.round(ctx.admitGraceMs / 1000),
  };
  // Every answer, not only the join's: the widget says « File prioritaire » from the last status it got.
  if (ticket.lane !== undefined) waiting.lane = ticket.lane;
  if (withCredential) waiting.ticket = ctx.tokens.ticketCredential(ticket.room, ticket.id, ticket.createdAt);
  return waiting;
}

/**
 * The position the grace-safe poll cap reckons with (room-policy/pacing.ts). A lane admitting nobody now
 * (outside its window: share 0) has everyone else ahead, but the window may open at any moment and admit
 * its head at once; paced on that position, 5 of 40 parents who came before 8:30 lost their place on the
 * lanes morning (src/sim/lanes-morning.ts, 2,000 pupils). Its tickets are paced as if first in line until
 * it opens: a poll every 2 minutes or so, for the few who come early.
 */
export function gracePosition(lane: string | undefined, position: number, room: RoomSnapshot, now: number): number {
  return lane !== undefined && laneShareAt(room.settings.lanes ?? [], lane, now) === 0 ? 1 : position;
}

/**
 * A lane outside its window admits nobody until it opens: its pupils wait at least that long, whatever
 * their place. Without this, a parent alone in an idle room at 08:00 was told « 1re place, moins d'une
 * minute » for the 30 minutes until the 08:30 window (test/server/queue/lane-status.test.ts).
 */
export function laneEstimate(lane: string | undefined, room: RoomSnapshot, now: number, estimate: WaitEstimate | null): WaitEstimate | null {
  const untilOpen = lane === undefined ? 0 : Math.ceil(msUntilLaneOpens(room.settings.lanes ?? [], lane, now) / 1000);
  if (untilOpen === 0) return estimate;
  // After the opening the lane passes at its share: the range keeps the estimate's width above the wait.
  return {
    etaSeconds: Math.max(untilOpen, estimate?.etaSeconds ?? 0),
    etaLowSeconds: Math.max(untilOpen, estimate?.etaLowSeconds ?? 0),
    etaHighSeconds: untilOpen + Math.max(60, estimate?.etaHighSeconds ?? 0),
  };
}

export function roomStatus(room: RoomSnapshot, now: number): RoomStatus {
  const { settings } = room;
  // With no line and a free seat, a newcomer is admitted on the spot.
  const immediate = settings.open && room.waiting === 0 && room.active < settings.capacity;
  return {
    room: room.room,
    open: settings.open,
    waiting: room.waiting,
    active: room.active,
    capacity: settings.capacity,
    admitPerMinute: settings.admitPerMinute,
    etaSeconds: immediate ? 0 : (roomWaitEstimate(room.waiting + 1, room, now)?.etaSeconds ?? null),
  };
}

/**
 * The 410 for a ticket the store no longer has (its credential is genuine, so it existed): a distinct code
 * when the pupil's turn came while away and the seat passed on, so the widget can say so.
 */
export async function ticketGone(store: Store, room: string, id: string, now: number): Promise<HttpError> {
  if ((await store.endReason(room, id, now)) === 'admission-unclaimed') {
    return new HttpError(410, 'admission-unclaimed', 'Your turn came while you were away and the seat passed to the next pupil. Join again.');
  }
  return new HttpError(410, 'ticket-expired', 'This place in line no longer exists. Join again.');
}
