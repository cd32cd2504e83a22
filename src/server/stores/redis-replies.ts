/** Reads the arrays the Lua scripts return (layout in lua/room.lua, room_reply and ticket_reply). */
import type { LaneSettings } from './lane-schedule.js';
import type { RoomSnapshot, TicketRecord } from './store.js';

/** Fields of room_reply. */
const ROOM_FIELDS = 14;
/** Fields of ticket_fields. */
const TICKET_FIELDS = 7;

export class RedisReplyError extends Error {
  override name = 'RedisReplyError';
}

function fields(reply: unknown, length: number): (string | number)[] {
  if (!Array.isArray(reply) || reply.length !== length || !reply.every((f) => typeof f === 'string' || typeof f === 'number')) {
    throw new RedisReplyError(`unexpected reply from a Lua script: ${JSON.stringify(reply)?.slice(0, 200)}`);
  }
  return reply;
}

const num = (value: string | number | undefined): number => Number(value);
const nullable = (value: number): number | null => (value < 0 ? null : value);

export function parseRoom(room: string, reply: unknown, offset = 0): { snapshot: RoomSnapshot; created: boolean } {
  const raw = fields(reply, offset + ROOM_FIELDS).slice(offset);
  const lanes = String(raw[12]);
  const f = raw.map(num);
  const [capacity, admitPerMinute, open, opensAt, createdAt, waiting, active, recentAdmissions, admitted, expiredWaiting, expiredSessions, released] = f;
  const created = f[13];
  return {
    snapshot: {
      room,
      settings: { capacity, admitPerMinute, open: open === 1, opensAt: nullable(opensAt), ...(lanes === '' ? {} : { lanes: JSON.parse(lanes) as LaneSettings[] }) },
      createdAt,
      waiting,
      active,
      recentAdmissions,
      totals: { admitted, expiredWaiting, expiredSessions, released },
    },
    created: created === 1,
  };
}

export function parseTicket(room: string, reply: unknown): { ticket: TicketRecord; created: boolean; room: RoomSnapshot } {
  const f = fields(reply, TICKET_FIELDS + ROOM_FIELDS);
  return { ...ticketFields(room, f), room: parseRoom(room, reply, TICKET_FIELDS).snapshot };
}

/** The 7 fields of ticket_fields (lua/room.lua). */
function ticketFields(room: string, f: readonly (string | number)[]): { ticket: TicketRecord; created: boolean } {
  const admitted = num(f[1]) === 1;
  return {
    ticket: {
      id: String(f[0]),
      room,
      state: admitted ? 'admitted' : 'waiting',
      position: admitted ? null : num(f[2]),
      createdAt: num(f[3]),
      admittedAt: nullable(num(f[4])),
      ...(f[6] === '' ? {} : { lane: String(f[6]) }),
    },
    created: num(f[5]) === 1,
  };
}

/**
 * The reply of the batched status script (lua/status.lua): per call, its ticket and room as of that
 * call, or null for a ticket that is gone. `calls` is how many calls the script was given.
 */
export function parseStatusBatch(room: string, reply: unknown, calls: number): ({ ticket: TicketRecord; room: RoomSnapshot } | null)[] {
  if (reply === null) return new Array<null>(calls).fill(null);
  if (!Array.isArray(reply) || reply.length !== 2 || !Array.isArray(reply[0]) || !Array.isArray(reply[1]) || reply[1].length !== calls) {
    throw new RedisReplyError(`unexpected reply from the status script: ${JSON.stringify(reply)?.slice(0, 200)}`);
  }
  const [rooms, tickets] = reply as [unknown[], unknown[]];
  const snapshots = new Map<number, RoomSnapshot>();
  return tickets.map((entry) => {
    if (Array.isArray(entry) && entry.length === 0) return null;
    const fieldsOf = fields(entry, TICKET_FIELDS + 1);
    const index = num(fieldsOf[TICKET_FIELDS]);
    let snapshot = snapshots.get(index);
    if (snapshot === undefined) {
      snapshot = parseRoom(room, rooms[index - 1]).snapshot;
      snapshots.set(index, snapshot);
    }
    return { ticket: ticketFields(room, fieldsOf).ticket, room: snapshot };
  });
}
