/**
 * What a join must look like before it is read: JSON, from an allowed web site. A `text/plain` or form
 * POST is a "simple" request that any page can make its visitors send, without a preflight, whatever
 * the CORS allowlist (CORS only hides the answer): a popular page could fill a school's line with its
 * visitors. Requiring `application/json` forces a preflight, which browsers refuse for origins outside
 * `--cors-origin`; the `Origin` check refuses the same joins on the server, for clients that skip the
 * preflight. Release keeps accepting text/plain (sendBeacon): it needs the ticket's credential anyway.
 */
import type { Context } from 'hono';
import { HttpError } from '../http/errors.js';

/** Throws 415 or 403 when a join is not JSON or comes from a web site outside `origins` (`*`: any). */
export function checkJoinRequest(c: Context, origins: readonly string[]): void {
  const origin = c.req.header('origin');
  if (origin !== undefined && !origins.includes('*') && !origins.includes(origin) && !sameOrigin(origin, c.req.header('host'))) {
    throw new HttpError(
      403,
      'forbidden',
      `Joins from ${origin.slice(0, 100)} are refused: this queue server accepts joins only from the ENT's own pages (--cors-origin). If this is your ENT, add its origin to --cors-origin.`,
    );
  }
  const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new HttpError(415, 'unsupported-media-type', 'A join is a JSON body sent with Content-Type: application/json.');
  }
}

/** A page of the queue server itself (the demo): its Origin names the Host it is sent to. */
function sameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}
