/**
 * The admin API, under `{endpoint}/admin`: every route needs `Authorization: Bearer <admin token>`.
 * Configure a room, list rooms with their counters, pause and resume admissions.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import type { RoomStatus } from '../../core/protocol/protocol.js';
import { HttpError } from '../http/errors.js';
import { bearer, bodyText, roomParam } from '../http/requests.js';
import { roomConfigBody, type AdminRoomConfig } from './room-config-body.js';
import { boundsAfterManualChange, type AutopilotStore } from '../autopilot/autopilot-store.js';
import type { RoomSettings, RoomSnapshot, Store } from '../stores/store.js';
import { roomStatus } from '../queue/ticket-view.js';
import type { PassKeyStore } from '../passes/pass-key-store.js';

export interface AdminDeps {
  store: Store;
  adminToken: string;
  now: () => number;
  /** A room was configured: /metrics gives it its own series (metrics.ts). */
  onConfigured?: (room: string) => void;
  /** Where a room's `passKeys` go (passes/); the queue store never sees them. */
  passKeys?: PassKeyStore;
  /** Where a room's `autopilot` goes (autopilot/autopilot-store.ts); the queue store never sees it either. */
  autopilot?: AutopilotStore;
}

/** What an operator sees of a room: the public status plus settings and counters. */
export interface AdminRoomStats extends RoomStatus {
  /** The room's settings, times as ISO 8601 like everywhere on the wire. */
  settings: Omit<RoomSettings, 'opensAt'> & { opensAt?: string | null };
  createdAt: string;
  /** Admissions in the last 5 minutes: the pace the ETA is measured from. */
  recentAdmissions: number;
  /** Since the room was created; null when the store does not count. */
  admittedTotal: number | null;
  expiredTotal: number | null;
  expiredWaitingTotal: number | null;
  expiredSessionsTotal: number | null;
  releasedTotal: number | null;
}

/** Said to every request without the right token: what is wrong and what to do, without telling which. */
export const ADMIN_TOKEN_MESSAGE =
  'The admin token is missing or wrong: send Authorization: Bearer <token> with the ANTICHAMBRE_ADMIN_TOKEN the server was started with (printed at start when it was generated).';

export function createAdmin(deps: AdminDeps): Hono {
  const { store, now } = deps;
  const admin = new Hono();
  const isAdmin = adminCheck(deps.adminToken);

  admin.use('*', async (c, next) => {
    const token = bearer(c);
    if (token === null || !isAdmin(token)) {
      c.header('WWW-Authenticate', 'Bearer realm="admin"');
      throw new HttpError(401, 'unauthorized', ADMIN_TOKEN_MESSAGE);
    }
    await next();
  });

  const configure = async (room: string, { passKeys, autopilot, ...patch }: AdminRoomConfig) => {
    const at = now();
    const { room: snapshot, created } = await store.configureRoom(room, patch, at);
    if (passKeys !== undefined) await deps.passKeys?.set(room, passKeys);
    if (autopilot !== undefined) await deps.autopilot?.set(room, autopilot);
    else if (deps.autopilot && (patch.capacity !== undefined || patch.admitPerMinute !== undefined)) {
      const current = await deps.autopilot.get(room);
      if (current?.on) await deps.autopilot.set(room, boundsAfterManualChange(current, patch));
    }
    deps.onConfigured?.(room);
    return { body: roomStatus(snapshot, at), status: created ? (201 as const) : (200 as const) };
  };

  admin.put('/rooms/:room', async (c) => {
    const room = roomParam(c);
    const { body, status } = await configure(room, roomConfigBody(await bodyText(c)));
    return c.json(body, status);
  });

  // Conveniences for a runbook or a cron job: no JSON to get right at 7:59.
  admin.post('/rooms/:room/pause', async (c) => {
    const { body, status } = await configure(roomParam(c), { open: false });
    return c.json(body, status);
  });
  admin.post('/rooms/:room/resume', async (c) => {
    const { body, status } = await configure(roomParam(c), { open: true });
    return c.json(body, status);
  });

  admin.get('/rooms', async (c) => {
    const at = now();
    const rooms = await store.listRooms(at);
    return c.json({ rooms: rooms.map((snapshot) => adminRoomStats(snapshot, at)) });
  });

  admin.get('/rooms/:room', async (c) => {
    const room = roomParam(c);
    const at = now();
    const snapshot = await store.roomStatus(room, at);
    if (snapshot === null) {
      throw new HttpError(404, 'room-not-found', `No room "${room}" on this server: list the rooms with GET …/admin/rooms, or create this one with PUT …/admin/rooms/${room}.`);
    }
    const [autopilot, last] = deps.autopilot ? await Promise.all([deps.autopilot.get(room), deps.autopilot.lastDecision(room)]) : [null, null];
    return c.json({ ...adminRoomStats(snapshot, at), autopilot: autopilot && { ...autopilot, lastDecision: last } });
  });

  return admin;
}

export function adminRoomStats(snapshot: RoomSnapshot, now: number): AdminRoomStats {
  const totals = snapshot.totals;
  const { opensAt, ...settings } = snapshot.settings;
  return {
    ...roomStatus(snapshot, now),
    settings: { ...settings, ...isoOpensAt(opensAt) },
    createdAt: new Date(snapshot.createdAt).toISOString(),
    recentAdmissions: snapshot.recentAdmissions,
    admittedTotal: totals?.admitted ?? null,
    expiredTotal: totals ? totals.expiredWaiting + totals.expiredSessions : null,
    expiredWaitingTotal: totals?.expiredWaiting ?? null,
    expiredSessionsTotal: totals?.expiredSessions ?? null,
    releasedTotal: totals?.released ?? null,
  };
}

function isoOpensAt(opensAt: number | null | undefined): { opensAt?: string | null } {
  if (opensAt === undefined) return {};
  return { opensAt: opensAt === null ? null : new Date(opensAt).toISOString() };
}

/** Compares digests so the comparison takes the same time whatever the length of the guess. */
function adminCheck(adminToken: string): (candidate: string) => boolean {
  const expected = createHash('sha256').update(adminToken).digest();
  return (candidate) => timingSafeEqual(createHash('sha256').update(candidate).digest(), expected);
}
