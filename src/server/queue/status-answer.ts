/**
 * The one answer to a status poll, `GET /rooms/{room}/tickets/{id}`: the Hono route (queue-routes.ts) and
 * the status fast path (http/status-fast-path.ts) both call it, so the answer a pupil gets does not depend
 * on which of the two took the request. Parsing the request (path, ids, header) stays with each of them.
 */
import type { ErrorBody, TicketStatus } from '../../core/protocol/protocol.js';
import { HttpError } from '../http/errors.js';
import { storeHttpError } from '../http/store-http-error.js';
import type { Store } from '../stores/store.js';
import { ticketGone, ticketStatus, type ViewContext } from './ticket-view.js';

export type StatusAnswer =
  | { status: 200; body: TicketStatus; retryAfterSeconds?: undefined }
  | { status: HttpError['status']; body: ErrorBody; retryAfterSeconds?: number };

export interface StatusAnswerDeps extends Omit<ViewContext, 'now'> {
  store: Store;
}

/**
 * `credential`: the ticket credential sent as `Authorization: Bearer`, null when none was. Refusals (401,
 * 410) and store faults (503 + Retry-After) are answers; anything else thrown is a bug for the caller to
 * log as 500. Also the answer to a heartbeat: the store's status operation counts as a sign of life.
 */
export async function answerStatus(deps: StatusAnswerDeps, room: string, id: string, credential: string | null, now: number): Promise<StatusAnswer> {
  try {
    if (credential === null) throw new HttpError(401, 'unauthorized', 'Send the ticket credential as Authorization: Bearer.');
    verifyCredential(deps, credential, room, id);
    const result = await deps.store.status(room, id, now);
    // The credential is genuine, so this ticket existed: it has expired, was released or went unclaimed.
    if (result === null) throw await ticketGone(deps.store, room, id, now);
    const { tokens, sessionTtlMs, admissionTtlMs, maxSessionMs, admitGraceMs, statusBudgetPerSecond, steeringOf } = deps;
    return { status: 200, body: await ticketStatus(result, { tokens, now, sessionTtlMs, admissionTtlMs, maxSessionMs, admitGraceMs, statusBudgetPerSecond, steeringOf }) };
  } catch (error) {
    const known = error instanceof HttpError ? error : storeHttpError(error);
    if (known === undefined) throw error;
    return { status: known.status, body: known.body, retryAfterSeconds: known.retryAfterSeconds };
  }
}

export function verifyCredential(deps: Pick<StatusAnswerDeps, 'tokens'>, credential: string, room: string, id: string): void {
  if (!deps.tokens.verifyTicketCredential(credential, room, id)) {
    throw new HttpError(401, 'unauthorized', 'This ticket credential is not valid for this room and ticket.');
  }
}
