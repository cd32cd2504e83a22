/**
 * A queue API base URL as the worker and its pages compare them: the element's `endpoint`, the worker
 * configuration's `queue=` list and the endpoints pages tell the worker all go through this one function.
 */

/** An absolute http(s) base URL without trailing slash, query or fragment; undefined otherwise. */
export function queueEndpoint(value: unknown, base?: string): string | undefined {
  if (typeof value !== 'string' || value.length > 2048) return undefined;
  try {
    const url = new URL(value, base);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return undefined;
  }
}
