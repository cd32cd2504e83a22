/**
 * The body of `PUT /admin/rooms/{room}`, read with messages that say what to write: an operator fixing
 * a room at 7:59 must not have to decode "Invalid key: Expected never but received "capacty"".
 */
import * as v from 'valibot';
import { RoomConfigSchema, type RoomConfig } from '../../core/protocol/protocol.js';
import { HttpError } from '../http/errors.js';
import { lanesRule } from './lanes-rule.js';
import { AutopilotConfigSchema } from '../autopilot/autopilot-config.js';

/** The protocol's room settings plus the operator's `autopilot` (server-side only: pages never see it). */
export const AdminRoomConfigSchema = v.strictObject({ ...RoomConfigSchema.entries, autopilot: v.optional(AutopilotConfigSchema) });
export type AdminRoomConfig = v.InferOutput<typeof AdminRoomConfigSchema>;

export const ROOM_CONFIG_FIELDS = Object.keys(AdminRoomConfigSchema.entries) as (keyof AdminRoomConfig)[];

const EXAMPLE = '{"capacity": 300, "admitPerMinute": 60, "open": true, "opensAt": "2026-09-01T08:00:00+02:00"}';
const AUTOPILOT_RULES: Record<string, string> = {
  on: 'autopilot.on must be true (steer) or false (freeze the seats and rate where they are)',
  targetMs: 'autopilot.targetMs must be a whole number of milliseconds from 100 to 60000 (p95 of the ENT\'s pages to stay under)',
  probeUrl: 'autopilot.probeUrl must be an http(s) URL of an ENT page that touches its session store',
  minCapacity: 'autopilot.minCapacity must be a whole number from 0 to 10000000',
  maxCapacity: 'autopilot.maxCapacity must be a whole number from 0 to 10000000',
  minAdmitPerMinute: 'autopilot.minAdmitPerMinute must be a whole number from 1 to 10000000',
  maxAdmitPerMinute: 'autopilot.maxAdmitPerMinute must be a whole number from 1 to 10000000',
};
const AUTOPILOT_EXAMPLE =
  '{"on": true, "targetMs": 1000, "probeUrl": "https://ent.example/session-page", "minCapacity": 100, "maxCapacity": 5000, "minAdmitPerMinute": 60, "maxAdmitPerMinute": 1200}';

/** One sentence for the first thing wrong in `autopilot`, whichever of the admin API or the rooms file read it. */
export function autopilotRule(issue: v.BaseIssue<unknown>, autopilot: unknown): string {
  const key = issue.path?.[1]?.key;
  if (key === undefined) {
    // The whole object (not an object, missing fields) or a min ≤ max check across fields.
    if (issue.type === 'check') return `autopilot: ${issue.message}`;
    return `autopilot must be an object like ${AUTOPILOT_EXAMPLE} (probeUrl optional)`;
  }
  const rule = AUTOPILOT_RULES[String(key)];
  if (rule === undefined) return `Unknown field autopilot.${String(key).slice(0, 64)}: the autopilot's fields are ${Object.keys(AUTOPILOT_RULES).join(', ')}`;
  const got = (autopilot as Record<string, unknown>)[String(key)];
  return `${rule}; ${got === undefined ? 'it is missing' : `got ${JSON.stringify(got)?.slice(0, 64)}`}`;
}

const FIELD_RULES: Record<keyof RoomConfig, string> = {
  capacity: 'capacity must be a whole number from 0 to 10000000 (admitted sessions at once; 0 makes everyone wait)',
  admitPerMinute: 'admitPerMinute must be a whole number from 1 to 10000000 (new admissions per minute)',
  open: 'open must be true (admit pupils) or false (pause admissions)',
  opensAt: 'opensAt must be an ISO 8601 time with a time zone, like 2026-09-01T08:00:00+02:00, or null to remove the schedule',
  passKeys:
    'passKeys must be {"publicKeys": [<public JWK>, …]} (up to 8, EC P-256, Ed25519 or RSA, no private member) and/or {"jwksUrl": "https://ent.example/jwks.json"} (https; plain http only on loopback), or null to remove them',
  lanes: 'lanes must be a list of lanes (lanes-rule.ts says which rule a lane breaks)',
};

export function roomConfigBody(text: string | null): AdminRoomConfig {
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
  const result = v.safeParse(AdminRoomConfigSchema, data);
  if (result.success) return result.output;
  const field = String(result.issues[0].path?.[0]?.key ?? '') as keyof RoomConfig | 'autopilot';
  if (field === 'autopilot') throw new HttpError(400, 'bad-request', `${autopilotRule(result.issues[0], (data as { autopilot?: unknown }).autopilot)}.`);
  if (field === 'lanes') throw new HttpError(400, 'bad-request', lanesRule(result.issues[0], (data as { lanes?: unknown }).lanes));
  const got = JSON.stringify((data as Record<string, unknown>)[field])?.slice(0, 64);
  throw new HttpError(400, 'bad-request', `${FIELD_RULES[field] ?? result.issues[0].message}; got ${got}.`);
}
