/**
 * The HTTP answer to a store error (stores/store-errors.ts), the same on the Hono routes, the status
 * fast path and /healthz: a store fault is a 503 `unavailable` with Retry-After (pupils keep their
 * place and retry), never a 500.
 */
import { HttpError } from './errors.js';
import { RoomNotFoundError, StoreUnavailableError, TooManyRoomsError } from '../stores/store-errors.js';

export const STORE_UNAVAILABLE_MESSAGE = 'The queue is unavailable for a moment. Your place is kept; try again in a few seconds.';

/** The HttpError for a store error, or undefined for anything else (a bug: 500, logged). */
export function storeHttpError(error: unknown): HttpError | undefined {
  if (error instanceof StoreUnavailableError) return new HttpError(503, 'unavailable', STORE_UNAVAILABLE_MESSAGE, error.retryAfterSeconds, { cause: error });
  if (error instanceof RoomNotFoundError) return new HttpError(404, 'room-not-found', error.message);
  if (error instanceof TooManyRoomsError) return new HttpError(503, 'unavailable', `${error.message} Try again later.`, error.retryAfterSeconds);
  return undefined;
}
