/**
 * The body of `PUT /admin/rooms/{room}`, read with messages that say what to write: an operator fixing
 * a room at 7:59 must not have to decode "Invalid key: Expected never but received "capacty"".
 */
import * as v from 'valibot';
import { RoomConfigSchema, type RoomConfig } from '../../core/protocol/protocol.js';
import { HttpError } from '../http/errors.js';

export const ROOM_CONFIG_FIELDS = Object.keys(RoomConfigSchema.entries) as (keyof RoomConfig)[];

const EXAMPLE = '{"capacity": 300, "admitPerMinute": 60, "open": true, "opensAt": "2026-09-01T08:00:00+02:00"}';
const FIELD_RULES: Record<keyof RoomConfig, string> = {
  capacity: 'capacity must be a whole number from 0 to 10000000 (admitted sessions at once; 0 makes everyone wait)',
  admitPerMinute: 'admitPerMinute must be a whole number from 1 to 10000000 (new admissions per minute)',
  open: 'open must be true (admit pupils) or false (pause admissions)',
  opensAt: 'opensAt must be an ISO 8601 time with a time zone, like 2026-09-01T08:00:00+02:00, or null to remove the schedule',
};

export function roomConfigBody(text: string | null): RoomConfig {
  if (text === null) throw new HttpError(400, 'bad-json', `Send the room's settings as a JSON object, e.g. ${EXAMPLE}.`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'bad-json', `The body is not valid JSON: send the room's settings as a JSON object, e.g. ${EXAMPLE}.`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new HttpError(400, 'bad-request', `The body must be a JSON object of room settings, e.g. ${EXAMPLE}.`);
  }
  const unknown = Object.keys(data).find((field) => !(ROOM_CONFIG_FIELDS as string[]).includes(field));
  if (unknown !== undefined) {
    throw new HttpError(400, 'bad-request', `Unknown field "${unknown.slice(0, 64)}": a room's settings are ${ROOM_CONFIG_FIELDS.join(', ')}.`);
  }
  const result = v.safeParse(RoomConfigSchema, data);
  if (result.success) return result.output;
  const field = String(result.issues[0].path?.[0]?.key ?? '') as keyof RoomConfig;
  const got = JSON.stringify((data as Record<string, unknown>)[field])?.slice(0, 64);
  throw new HttpError(400, 'bad-request', `${FIELD_RULES[field] ?? result.issues[0].message}; got ${got}.`);
}
