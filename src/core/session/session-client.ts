/**
 * The two requests of session mode, apart from the queue client so the login-page bundle does not
 * carry them: the heartbeat, and a release that outlives the page (the pupil is sent to logout-url
 * right after). See docs/protocol.md, "Heartbeat" and "Release".
 */
import type { Admission } from '../protocol/protocol.js';
import type { PageTiming } from '../protocol/page-timing.js';
import { endpointBase } from '../protocol/queue-endpoint.js';

export interface SessionTicket {
  /** Absolute, without trailing slash. */
  readonly endpoint: string;
  readonly room: string;
  readonly id: string;
  /** The server-signed credential. */
  readonly ticket: string;
}

/** `gone`: the server no longer holds the seat (410, or 401 for a credential it stopped accepting). */
export type HeartbeatOutcome = 'alive' | 'gone' | 'unknown';

export interface HeartbeatAnswer {
  outcome: HeartbeatOutcome;
  /** The fresh admission an `alive` answer carries (protocol v1: 200 with the ticket's status). */
  admission?: Admission;
  /** The server's clock when it answered (ms): the admission's life is `expiresAt - serverTime`, whatever this device's clock says. */
  serverTime?: number;
}

const ticketUrl = ({ endpoint, room, id }: SessionTicket) =>
  `${endpointBase(endpoint)}/rooms/${encodeURIComponent(room)}/tickets/${encodeURIComponent(id)}`;

export async function sendHeartbeat(
  session: SessionTicket,
  fetchFn: typeof fetch = (input, init) => fetch(input, init),
  timing?: PageTiming,
): Promise<HeartbeatAnswer> {
  try {
    const response = await fetchFn(`${ticketUrl(session)}/heartbeat`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${session.ticket}` },
      // text/plain (no Content-Type set): the page's server time for the autopilot (page-timing-report.ts).
      body: timing ? JSON.stringify({ timing }) : undefined,
      credentials: 'omit',
      cache: 'no-store',
    });
    if (!response.ok) return { outcome: response.status === 410 || response.status === 401 ? 'gone' : 'unknown' };
    // Checked by hand, not with protocol-guards: this chunk would otherwise pull it from the login bundle.
    const status = (await response.json().catch(() => null)) as { admission?: Partial<Admission>; serverTime?: unknown } | null;
    const { token, expiresAt } = status?.admission ?? {};
    const serverTime = Date.parse(String(status?.serverTime));
    if (typeof token !== 'string' || typeof expiresAt !== 'string' || !(Date.parse(expiresAt) > serverTime)) return { outcome: 'alive' };
    return { outcome: 'alive', admission: { token, expiresAt }, serverTime };
  } catch {
    // Offline for a moment: the next heartbeat, or the server's sessionTtl, settles it.
    return { outcome: 'unknown' };
  }
}

/**
 * Releases the seat with `keepalive`, so the request completes even when the page navigates away at
 * once. The credential goes in a text/plain body: no CORS preflight, which a keepalive request
 * cannot always afford. Resolves true when the server confirmed; never rejects.
 */
export async function releaseKeepalive(session: SessionTicket, fetchFn: typeof fetch = (input, init) => fetch(input, init)): Promise<boolean> {
  try {
    const response = await fetchFn(`${ticketUrl(session)}/release`, {
      method: 'POST',
      body: JSON.stringify({ ticket: session.ticket }),
      headers: { 'Content-Type': 'text/plain' },
      keepalive: true,
      credentials: 'omit',
    });
    return response.ok;
  } catch {
    return false;
  }
}
