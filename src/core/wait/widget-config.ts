/**
 * The widget's attributes, validated before anything touches the network: a misconfigured page must show
 * its mistake, not send requests to a wrong place.
 */
import { AntichambreError } from '../protocol/errors.js';
import { ROOM_ID } from '../protocol/protocol-guards.js';
import { ADMISSION_COOKIE_NAME, DEFAULT_ADMISSION_COOKIE } from '../protocol/admission-cookie-name.js';
import { httpUrl, queueEndpoint } from '../protocol/queue-endpoint.js';
import type { WhenUnreachable } from './waiting-room.js';

export interface WidgetConfig {
  /** Absolute, in queueEndpoint's normal form (no trailing slash, query or fragment). */
  endpoint: string;
  room: string;
  returnUrl?: string;
  admissionCookie: string;
  whenUnreachable: WhenUnreachable;
  /** A priority pass the ENT signed (docs/integration.md, "Passes"), sent with the join; the server judges it. */
  pass?: string;
}

export interface WidgetAttributes {
  endpoint?: string | null;
  room?: string | null;
  returnUrl?: string | null;
  admissionCookie?: string | null;
  whenUnreachable?: string | null;
  pass?: string | null;
}

/**
 * The pass comes from the `pass` attribute (the ENT's template fills it) or, without one, from the first-party
 * cookie `antichambre_pass` in `cookies` (document.cookie). Not checked here: a wrong or expired pass costs
 * only the priority (the server puts the join in the default line and says why), never the pupil's wait.
 *
 * Throws an AntichambreError naming the first bad attribute. A return-url that is the page itself (the hash
 * aside) is dropped: navigating there on admission reloads the page, which is admitted again and navigates
 * again (issue 13: 98 loads in 5 s), so the element reveals its content instead.
 */
export function parseWidgetConfig(attributes: WidgetAttributes, baseUrl: string, pageUrl = baseUrl, cookies = ''): WidgetConfig {
  const { endpoint, room, returnUrl, admissionCookie, whenUnreachable, pass } = attributes;
  if (!endpoint) throw new AntichambreError('missing-endpoint');
  const absoluteEndpoint = queueEndpoint(endpoint, baseUrl);
  if (!absoluteEndpoint) throw new AntichambreError('bad-endpoint');
  if (!room) throw new AntichambreError('missing-room');
  if (!ROOM_ID.test(room)) throw new AntichambreError('bad-room');
  const absoluteReturnUrl = returnUrl ? httpUrl(returnUrl, baseUrl)?.href : undefined;
  if (returnUrl && !absoluteReturnUrl) throw new AntichambreError('bad-return-url');
  const cookie = admissionCookie ?? DEFAULT_ADMISSION_COOKIE;
  if (!ADMISSION_COOKIE_NAME.test(cookie)) throw new AntichambreError('bad-admission-cookie');
  const unreachable = whenUnreachable ?? 'wait';
  if (unreachable !== 'wait' && unreachable !== 'open') throw new AntichambreError('bad-when-unreachable');
  return {
    endpoint: absoluteEndpoint,
    room,
    returnUrl: absoluteReturnUrl?.split('#')[0] === pageUrl.split('#')[0] ? undefined : absoluteReturnUrl,
    admissionCookie: cookie,
    whenUnreachable: unreachable,
    pass: pass || /(?:^|; )antichambre_pass=([^;]+)/.exec(cookies)?.[1],
  };
}
