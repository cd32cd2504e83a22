/**
 * `--rooms FILE`: the rooms an operator declares and their settings, in JSON or YAML (JSON is YAML, so
 * one parser reads both). The file is what survives a Redis data loss: a declared room found missing
 * is recreated from it. Checked with valibot at start; a bad file stops the server with one line.
 *
 *     rooms:
 *       college-jean-moulin: { capacity: 300, admitPerMinute: 120 }
 *       lycee-victor-hugo:
 *         capacity: 2
 *         opensAt: 2026-09-01T08:00:00+02:00
 */
import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { lanesRule } from './lanes-rule.js';
import { parse } from 'yaml';
import { RoomIdSchema } from '../../core/protocol/protocol.js';
import { AdminRoomConfigSchema, autopilotRule, type AdminRoomConfig } from './room-config-body.js';

const RoomsFileSchema = v.strictObject({
  rooms: v.pipe(
    v.record(RoomIdSchema, AdminRoomConfigSchema),
    v.check((rooms) => Object.keys(rooms).length > 0, 'declares no room'),
  ),
});

export class RoomsFileError extends Error {
  override name = 'RoomsFileError';
}

/** The declared rooms of `path`; throws RoomsFileError with a one-line message naming the problem. */
export function readRoomsFile(path: string): Record<string, AdminRoomConfig> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new RoomsFileError(`--rooms ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return parseRoomsFile(text, path);
}

export function parseRoomsFile(text: string, path: string): Record<string, AdminRoomConfig> {
  let data: unknown;
  try {
    // YAML 1.2 core schema: `opensAt: 2026-09-01T08:00:00+02:00` stays a string, as in JSON.
    data = parse(text);
  } catch (error) {
    throw new RoomsFileError(`--rooms ${path}: not valid JSON or YAML (${firstLine(error)})`);
  }
  if (typeof data !== 'object' || data === null || !('rooms' in data)) {
    throw new RoomsFileError(`--rooms ${path}: expected {"rooms": {"room-id": {"capacity": 30}}} (see docs/integration.md)`);
  }
  const result = v.safeParse(RoomsFileSchema, data);
  if (!result.success) {
    const issue = result.issues[0];
    const where = v.getDotPath(issue);
    // A strict object names an unknown key "Expected never": say what is allowed instead.
    const depth = issue.path?.length ?? 0;
    const allowed = depth > 3 ? '' : depth > 2 ? ` (allowed: ${Object.keys(AdminRoomConfigSchema.entries).join(', ')})` : ' (only "rooms")';
    const unknown = `unknown ${depth > 2 ? 'setting' : 'key'} ${issue.received}${allowed}`;
    const message = issue.expected === 'never' ? unknown : issue.message;
    const room = issue.path?.[1]?.key as string | undefined;
    if (issue.path?.[2]?.key === 'autopilot' && room !== undefined) {
      const autopilot = (data as { rooms: Record<string, { autopilot?: unknown }> }).rooms[room]?.autopilot;
      throw new RoomsFileError(`--rooms ${path}: rooms.${room}: ${autopilotRule({ ...issue, path: issue.path.slice(2) as typeof issue.path }, autopilot)}`);
    }
    if (issue.path?.[2]?.key === 'lanes' && room !== undefined) {
      const lanes = (data as { rooms: Record<string, { lanes?: unknown }> }).rooms[room]?.lanes;
      throw new RoomsFileError(`--rooms ${path}: rooms.${room}: ${lanesRule({ ...issue, path: issue.path.slice(2) as typeof issue.path }, lanes)}`);
    }
    throw new RoomsFileError(`--rooms ${path}: ${where ? `${where}: ` : ''}${message}`);
  }
  return result.output.rooms;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
