/**
 * The one error type of the HTTP layer. Whatever goes wrong, the client gets JSON
 * `{"error": {"code", "message"}}` with a code from protocol v1, never an HTML page or a stack trace.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorBody, ErrorCode } from '../../core/protocol/protocol.js';

export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    /** Sent as `Retry-After` (seconds) with 429 and 503. */
    readonly retryAfterSeconds?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'HttpError';
  }

  get body(): ErrorBody {
    return errorBody(this.code, this.message);
  }
}

export function errorBody(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}

/** What a client is told of an unexpected error (the error itself goes to the log). */
export const INTERNAL_ERROR_MESSAGE = 'Something went wrong on the queue server. Your place is kept; try again.';
