/** An app in process with a clock the test moves, and helpers that check every answer against protocol v1. */
import assert from 'node:assert/strict';
import type { Hono } from 'hono';
import * as v from 'valibot';
import { ErrorBodySchema, RoomStatusSchema, TicketStatusSchema, type RoomStatus, type TicketStatus } from '../../src/core/protocol/protocol.js';
import { createApp, type AppOptions } from '../../src/server/http/app.js';

export const SECRET = 'test-secret-0123456789abcdef';
export const ADMIN = 'test-admin-token-0123456789';
export const ROOM = 'college-jean-moulin';

export interface Harness {
  app: Hono;
  clock: { now: number };
  /** Moves the clock forward. */
  tick(ms: number): void;
  request(path: string, init?: RequestInit): Promise<Response>;
  join(key: string, room?: string): Promise<{ res: Response; body: TicketStatus }>;
  status(id: string, ticket: string, room?: string): Promise<Response>;
  statusOk(id: string, ticket: string, room?: string): Promise<TicketStatus>;
  release(id: string, ticket: string, room?: string): Promise<Response>;
  configure(room: string, config: Record<string, unknown>): Promise<Response>;
  roomStatus(room?: string): Promise<RoomStatus>;
}

let keySeq = 0;
/** A fresh, valid join key. */
export const newKey = (): string => `key-${String(++keySeq).padStart(12, '0')}-${Math.random().toString(36).slice(2, 8)}`;

export function harness(options: Partial<AppOptions> = {}): Harness {
  const clock = { now: Date.parse('2026-09-01T08:00:00Z') };
  const app = createApp({ secret: SECRET, adminToken: ADMIN, now: () => clock.now, logError: () => {}, ...options });
  const request = async (path: string, init?: RequestInit) => app.request(`/api/v1${path}`, init);
  const h: Harness = {
    app,
    clock,
    tick: (ms) => void (clock.now += ms),
    request,
    async join(key, room = ROOM) {
      const res = await request(`/rooms/${room}/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ key }),
      });
      assert.ok(res.status === 200 || res.status === 201, `join answered ${res.status}`);
      return { res, body: v.parse(TicketStatusSchema, await res.json()) };
    },
    status: (id, ticket, room = ROOM) => request(`/rooms/${room}/tickets/${id}`, { headers: { authorization: `Bearer ${ticket}` } }),
    async statusOk(id, ticket, room = ROOM) {
      const res = await h.status(id, ticket, room);
      assert.equal(res.status, 200);
      return v.parse(TicketStatusSchema, await res.json());
    },
    release: (id, ticket, room = ROOM) =>
      request(`/rooms/${room}/tickets/${id}/release`, { method: 'POST', headers: { authorization: `Bearer ${ticket}` } }),
    configure: (room, config) =>
      request(`/admin/rooms/${room}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify(config),
      }),
    async roomStatus(room = ROOM) {
      const res = await request(`/rooms/${room}`);
      assert.equal(res.status, 200);
      return v.parse(RoomStatusSchema, await res.json());
    },
  };
  return h;
}

/** Asserts a protocol v1 error answer: status, JSON body with the code, CORS header present. */
export async function assertError(res: Response, status: number, code: string): Promise<void> {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status}`);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  const body = v.parse(ErrorBodySchema, await res.json());
  assert.equal(body.error.code, code);
  assert.ok(body.error.message.length > 0);
  assert.doesNotMatch(body.error.message, /\n\s+at /, 'no stack trace');
}
