/**
 * CORS and the body cap, with the same answers as Hono's `cors()` and `bodyLimit()` but without their
 * per-request cost on the hot routes (a waiting pupil's status poll, a join):
 * - Hono's `bodyLimit` reads `c.req.raw.body`, which makes @hono/node-server build a full WHATWG
 *   `Request` (URL, `Headers`, `AbortSignal`, a web stream over the socket) for every request, GETs
 *   included. Here a GET or HEAD (no body) goes straight on, and a declared `Content-Length` is checked
 *   from the header; only a body without one (chunked) is counted by Hono's middleware as before.
 * - Hono's `cors` touches `c.res` before the route runs, so that every answer is built twice and its
 *   headers copied over. Here, under @hono/node-server, the CORS headers are set on Node's
 *   `ServerResponse` (Node merges them into the answer's head); preflights, and requests served in
 *   process (`app.request()`), go through Hono's `cors` unchanged. A header the answer sets itself
 *   replaces one set this way: routes leave the CORS headers and `Vary` to this middleware.
 * test/server/http/http-middleware.test.ts checks that both paths give the same answers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';

export interface CorsOptions {
  /** Allowed origins; `*` allows any. */
  origins: readonly string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAge: number;
}

/** What @hono/node-server passes as `c.env`. */
interface NodeBindings {
  incoming?: IncomingMessage;
  outgoing?: ServerResponse;
}

/** Node's response for this request, when served by @hono/node-server over HTTP/1. */
export function nodeResponse(c: Context): ServerResponse | undefined {
  const outgoing = (c.env as NodeBindings | undefined)?.outgoing;
  return outgoing !== undefined && typeof outgoing.setHeader === 'function' && !outgoing.headersSent ? outgoing : undefined;
}

/**
 * The CORS headers of a non-preflight answer, the same as Hono's cors() would set, as a flat
 * `[name, value, name, value…]` list (what Node's `writeHead` takes as raw headers). `origin` is the
 * request's Origin header. The lists are made once: nothing is allocated per request.
 */
export function corsHeaderList(options: CorsOptions): (origin: string | undefined) => readonly string[] {
  const expose = options.exposeHeaders.length > 0 ? ['access-control-expose-headers', options.exposeHeaders.join(',')] : [];
  if (options.origins.includes('*')) {
    const any = ['access-control-allow-origin', '*', ...expose];
    return () => any;
  }
  const refused = ['vary', 'Origin', ...expose];
  const allowed = new Map(options.origins.map((origin) => [origin, ['access-control-allow-origin', origin, 'vary', 'Origin', ...expose]]));
  return (origin) => (origin === undefined ? undefined : allowed.get(origin)) ?? refused;
}

/** Sets the CORS headers of a non-preflight answer on Node's response (see corsHeaderList). */
export function corsHeaderSetter(options: CorsOptions): (outgoing: ServerResponse, origin: string | undefined) => void {
  const list = corsHeaderList(options);
  return (outgoing, origin) => {
    const headers = list(origin);
    for (let i = 0; i < headers.length; i += 2) outgoing.setHeader(headers[i]!, headers[i + 1]!);
  };
}

export function corsMiddleware(options: CorsOptions): MiddlewareHandler {
  const setCors = corsHeaderSetter(options);
  const hono = cors({
    origin: options.origins.includes('*') ? '*' : [...options.origins],
    allowMethods: options.allowMethods,
    allowHeaders: options.allowHeaders,
    exposeHeaders: options.exposeHeaders,
    maxAge: options.maxAge,
  });
  return async function corsHeaders(c, next) {
    const outgoing = c.req.method === 'OPTIONS' ? undefined : nodeResponse(c);
    if (outgoing === undefined) return hono(c, next);
    setCors(outgoing, c.req.header('origin'));
    await next();
  };
}

/**
 * Caps request bodies at `maxSize` bytes like Hono's `bodyLimit`, calling `onError` (which throws)
 * beyond. GET and HEAD carry no body (the Fetch API never gives them one, so `bodyLimit` lets them
 * through too).
 */
export function bodyLimitMiddleware(maxSize: number, onError: (c: Context) => never): MiddlewareHandler {
  const hono = bodyLimit({ maxSize, onError });
  return async function bodyCap(c, next) {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    const length = c.req.header('content-length');
    // bodyLimit trusts a declared length unless the body is chunked; so does this.
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number.parseInt(length || '0', 10) > maxSize ? onError(c) : next();
    }
    return hono(c, next);
  };
}
