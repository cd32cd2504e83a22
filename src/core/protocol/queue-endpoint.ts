/**
 * A queue API base URL in its one normal form: the element's `endpoint` (widget-config.ts), the worker
 * configuration's `queue=` list, the endpoints pages tell the worker, and every URL and key built from an
 * endpoint (tickets URL, stored ticket, tab channel, join lock) all go through this file, so that
 * `…/api/v1/` and `…/api/v1` are one queue for the widget, its tabs and its worker alike. Query and
 * fragment are dropped: `${endpoint}/rooms/…` appended after a query would not be a URL of the API.
 */

/** `value` as an absolute http(s) URL, a relative one resolved against `base` (the page); undefined otherwise. */
export function httpUrl(value: string, base?: string): URL | undefined {
  try {
    const url = new URL(value, base);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** An absolute http(s) base URL without trailing slash, query or fragment; undefined otherwise. */
export function queueEndpoint(value: unknown, base?: string): string | undefined {
  const url = typeof value === 'string' && value.length <= 2048 ? httpUrl(value, base) : undefined;
  return url && endpointBase(url.origin + url.pathname);
}

/**
 * The last step of queueEndpoint alone, for an endpoint already checked (WidgetConfig, SessionTicket) that
 * may still come with a trailing slash from a caller of the core API: no URL parsing on every request.
 */
export const endpointBase = (endpoint: string): string => endpoint.replace(/\/+$/, '');
