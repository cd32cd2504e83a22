/**
 * The one error type of antichambre, in the style of Workbox's WorkboxError: a stable `code` that
 * integrators can switch on, and developer-facing English messages kept in one map. Like Workbox, the map
 * only ships in development builds (Vite replaces `import.meta.env.DEV`); production messages are the code.
 * Pupil-facing texts live beside each element (src/element/queue/i18n, session/i18n, turn-notice), not here.
 */
import { ADMISSION_COOKIE_RULE } from './admission-cookie-name.js';

export const messages = {
  'missing-endpoint': 'attribute "endpoint" is required',
  'bad-endpoint': 'attribute "endpoint" must be an http(s) URL',
  'missing-room': 'attribute "room" is required',
  'bad-room': 'attribute "room" must be 1-64 of a-z, 0-9, -',
  'bad-return-url': 'attribute "return-url" must be an http(s) URL',
  'bad-admission-cookie': `attribute "admission-cookie" must be a cookie name: ${ADMISSION_COOKIE_RULE}`,
  'bad-when-unreachable': 'attribute "when-unreachable" must be wait or open',
  network: 'queue API unreachable (network error or CORS)',
  timeout: 'queue API did not answer in time',
  throttled: 'queue API asked to retry later',
  'server-error': 'queue API server error',
  'invalid-response': 'queue API answer is not protocol v1',
  'request-rejected': 'queue API rejected the request; check endpoint and room',
  'queue-unreachable': 'queue API has never answered',
  'ticket-expired': 'ticket expired on the server',
  'admission-unclaimed': 'admitted while away and not back within the server admitGrace: the seat passed on',
  'ticket-released': 'ticket was released',
  'ticket-not-found': 'server does not know this ticket',
  'credential-rejected': 'server no longer accepts this ticket credential (secret rotated?)',
} as const;

const DEV = (import.meta as { env?: { DEV?: boolean } }).env?.DEV;

export type AntichambreErrorCode = keyof typeof messages;

export class AntichambreError extends Error {
  override name = 'AntichambreError';
  /** The message is the code's developer message in development builds, the bare code otherwise. */
  constructor(readonly code: AntichambreErrorCode) {
    super(DEV ? messages[code] : code);
  }
}
