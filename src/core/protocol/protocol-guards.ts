/**
 * Plain-code checks of what the widget reads: the server's answers and its own stored ticket. protocol.ts
 * (valibot) stays the one definition of protocol v1 and the server validates with it; the widget does not
 * ship valibot, which would be an eighth of its bundle (the same choice as idle-config.ts).
 * test/core/protocol/protocol-guards.test.ts holds every guard to its schema on valid and invalid samples.
 */
import type { Admission, TicketStatus } from './protocol.js';

type Fields = Record<string, unknown>;

/** The patterns of protocol.ts (valibot's isoTimestamp for the times). */
export const ROOM_ID = /^[a-z0-9-]{1,64}$/;
export const JOIN_KEY = /^[A-Za-z0-9_-]{16,128}$/;
const TICKET_ID = /^[A-Za-z0-9_-]{8,64}$/;
/**
 * A time the widget can use: ISO 8601's shape, read by Date.parse (which refuses month 13 or hour 24). Looser
 * than valibot's isoTimestamp in rare writings (the server sends toISOString()), and 110 bytes gzipped
 * lighter on the login page, where 25 bytes were left (issue 11/13 work).
 */
const isTime = (value: unknown) => isText(value, /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d/) && Date.parse(value) > 0;
const STATES: unknown[] = ['waiting', 'admitted', 'released', 'expired'];

export const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null;
/** A string matching `pattern`, or of 1–`max` characters. */
export const isText = (value: unknown, pattern?: RegExp, max = Infinity): value is string =>
  typeof value === 'string' && (pattern ? pattern.test(value) : value !== '' && value.length <= max);
const isNumber = (value: unknown, min: number, max = Infinity): value is number => typeof value === 'number' && value >= min && value <= max;
const isInteger = (value: unknown, min: number) => Number.isInteger(value) && isNumber(value, min);
const isSeconds = (value: unknown) => value === null || isNumber(value, 0);
/** Absent, or of that `typeof`. */
export const isOptional = (value: unknown, type: string) => value === undefined || typeof value === type;

export const isAdmission = (value: unknown): value is Admission => isObject(value) && isText(value.token) && isTime(value.expiresAt);

export function isTicketStatus(value: unknown): value is TicketStatus {
  return (
    isObject(value) &&
    isText(value.id, TICKET_ID) &&
    isText(value.room, ROOM_ID) &&
    STATES.includes(value.state) &&
    (value.position === null || isInteger(value.position, 1)) &&
    isInteger(value.ahead, 0) &&
    isSeconds(value.etaSeconds) &&
    isSeconds(value.etaLowSeconds) &&
    isSeconds(value.etaHighSeconds) &&
    isNumber(value.pollAfterMs, 0, 24 * 3600 * 1000) &&
    isTime(value.serverTime) &&
    (value.ticket === undefined || isText(value.ticket, undefined, 2048)) &&
    (value.admission === undefined || isAdmission(value.admission)) &&
    (value.admitGraceSeconds === undefined || isNumber(value.admitGraceSeconds, 0)) &&
    isOptional(value.lane, 'string') &&
    isOptional(value.passRefused, 'string')
  );
}

/** The server code of an `{ "error": { "code", "message" } }` body; undefined for anything else (a proxy's page). */
export function errorCode(body: unknown): string | undefined {
  const error = isObject(body) ? body.error : undefined;
  return isObject(error) && typeof error.code === 'string' && typeof error.message === 'string' ? error.code : undefined;
}
