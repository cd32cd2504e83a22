/**
 * What a store throws when it cannot do what was asked, so the HTTP layer answers every route the same
 * way (store-http-error.ts): a store fault is "wait and try again" (503 + Retry-After), never a 500; a
 * room a join may not create is a 404; too many rooms is a 503 too, since junk rooms expire.
 */

/**
 * Retry-After of a store fault. Five seconds: the shortest pace a waiting pupil polls at anyway
 * (room-policy/pacing.ts), so an outage never makes a line ask more often than it normally does, and a Redis that
 * restarts or fails over (seconds) is back by the first retry.
 */
export const STORE_RETRY_AFTER_SECONDS = 5;

/** The store did not answer: Redis down, paused (command timeout), a failover, or a script error. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
  readonly retryAfterSeconds = STORE_RETRY_AFTER_SECONDS;
}

/** A pupil's join for a room nobody declared or configured, with `--room-creation admin`. */
export class RoomNotFoundError extends Error {
  override name = 'RoomNotFoundError';
  constructor(readonly room: string) {
    super(`No room "${room}": rooms are created by the operator (--rooms or the admin API).`);
  }
}

/** A pupil's join would create a room beyond `--max-rooms`; idle rooms are forgotten, so it passes. */
export class TooManyRoomsError extends Error {
  override name = 'TooManyRoomsError';
  /** A minute: rooms are forgotten lazily, not in seconds. */
  readonly retryAfterSeconds = 60;
  constructor(readonly maxRooms: number) {
    super(`This queue server already holds its maximum of ${maxRooms} rooms.`);
  }
}

/** Any error of a Redis client, as the StoreUnavailableError the HTTP layer answers 503 to. */
export function storeUnavailable(error: unknown): StoreUnavailableError {
  if (error instanceof StoreUnavailableError) return error;
  const message = error instanceof Error ? error.message : String(error);
  let reason: string;
  if (/timed out/i.test(message)) reason = `Redis did not answer in time (${message})`;
  else if (/ECONNREFUSED|ECONNRESET|EPIPE|ENOTFOUND|EHOSTUNREACH|Connection is closed|Stream isn't writeable|not connected|MaxRetriesPerRequest/i.test(message)) {
    reason = `Redis is not reachable (${message})`;
  } else reason = `Redis answered with an error (${message})`;
  return new StoreUnavailableError(reason.slice(0, 300), { cause: error });
}
