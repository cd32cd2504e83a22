/** Reading a request safely: every path parameter, header and body goes through a protocol schema. */
import type { Context } from 'hono';
import * as v from 'valibot';
import { RoomIdSchema, TicketIdSchema } from '../../core/protocol/protocol.js';
import { HttpError } from './errors.js';

export function roomParam(c: Context): string {
  const room = c.req.param('room') ?? '';
  if (!v.is(RoomIdSchema, room)) throw new HttpError(400, 'bad-room', 'Room ids are 1–64 characters of a-z, 0-9 and -.');
  return room;
}

export function ticketIdParam(c: Context): string {
  const id = c.req.param('id') ?? '';
  if (!v.is(TicketIdSchema, id)) throw new HttpError(400, 'bad-request', 'Malformed ticket id.');
  return id;
}

/** The token of an `Authorization: Bearer …` header, or null when there is none. */
export function bearer(c: Context): string | null {
  return bearerToken(c.req.header('authorization'));
}

/** The token of an Authorization header's value, or null when it is not `Bearer <token>`. */
export function bearerToken(authorization: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1] ?? null;
}

/** The raw body, or null when empty. The body size was already capped by the body-limit middleware. */
export async function bodyText(c: Context): Promise<string | null> {
  const text = await c.req.text();
  return text.trim() === '' ? null : text;
}

/**
 * Parses a JSON body against a schema, whatever its Content-Type: a release may come from sendBeacon
 * (text/plain). Joins check theirs first (join-origin.ts): there a preflight is the point.
 */
export function parseJson<S extends v.GenericSchema>(text: string | null, schema: S): v.InferOutput<S> {
  if (text === null) throw new HttpError(400, 'bad-json', 'A JSON body is required.');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'bad-json', 'The body is not valid JSON.');
  }
  const result = v.safeParse(schema, data);
  if (!result.success) {
    const issue = result.issues[0];
    const path = v.getDotPath(issue);
    throw new HttpError(400, 'bad-request', path ? `${path}: ${issue.message}` : issue.message);
  }
  return result.output;
}
