/**
 * The widget's attributes, validated before anything touches the network: a misconfigured page must show
 * its mistake, not send requests to a wrong place.
 */
import { AntichambreError } from './errors.js';
import { ROOM_ID } from './protocol-guards.js';
import type { WhenUnreachable } from './waiting-room.js';

export interface WidgetConfig {
  /** Absolute, without trailing slash. */
  endpoint: string;
  room: string;
  returnUrl?: string;
  admissionCookie: string;
  whenUnreachable: WhenUnreachable;
}

export interface WidgetAttributes {
  endpoint?: string | null;
  room?: string | null;
  returnUrl?: string | null;
  admissionCookie?: string | null;
  whenUnreachable?: string | null;
}

/** RFC 6265 cookie-name (an HTTP token), kept short. */
const COOKIE_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;

export const DEFAULT_ADMISSION_COOKIE = 'antichambre_admission';

/** Relative URLs resolve against the page, so `endpoint="/api/v1"` works on the ENT's own origin. */
function httpUrl(value: string, base: string): string | undefined {
  try {
    const url = new URL(value, base);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Throws an AntichambreError naming the first bad attribute. A return-url that is the page itself (the hash
 * aside) is dropped: navigating there on admission reloads the page, which is admitted again and navigates
 * again (issue 13: 98 loads in 5 s), so the element reveals its content instead.
 */
export function parseWidgetConfig(attributes: WidgetAttributes, baseUrl: string, pageUrl = baseUrl): WidgetConfig {
  const { endpoint, room, returnUrl, admissionCookie, whenUnreachable } = attributes;
  if (!endpoint) throw new AntichambreError('missing-endpoint');
  const absoluteEndpoint = httpUrl(endpoint, baseUrl);
  if (!absoluteEndpoint) throw new AntichambreError('bad-endpoint');
  if (!room) throw new AntichambreError('missing-room');
  if (!ROOM_ID.test(room)) throw new AntichambreError('bad-room');
  const absoluteReturnUrl = returnUrl ? httpUrl(returnUrl, baseUrl) : undefined;
  if (returnUrl && !absoluteReturnUrl) throw new AntichambreError('bad-return-url');
  const cookie = admissionCookie ?? DEFAULT_ADMISSION_COOKIE;
  if (!COOKIE_NAME.test(cookie)) throw new AntichambreError('bad-admission-cookie');
  const unreachable = whenUnreachable ?? 'wait';
  if (unreachable !== 'wait' && unreachable !== 'open') throw new AntichambreError('bad-when-unreachable');
  return {
    endpoint: absoluteEndpoint.replace(/\/+$/, ''),
    room,
    returnUrl: absoluteReturnUrl?.split('#')[0] === pageUrl.split('#')[0] ? undefined : absoluteReturnUrl,
    admissionCookie: cookie,
    whenUnreachable: unreachable,
  };
}
