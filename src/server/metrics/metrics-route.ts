/**
 * `/metrics` on the main port, where pupils' requests arrive: only with `--metrics-token`, to
 * `Authorization: Bearer <token>`. Without a token it is not served here (404), but by its own listener
 * on loopback (`--metrics-port`, serve.ts), as Prometheus exporters do: room names and load figures are
 * the operator's business, and an anonymous scrape loop must not compete with pupils.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Handler } from 'hono';
import { HttpError } from '../http/errors.js';
import type { Metrics } from './metrics.js';
import { bearer } from '../http/requests.js';

export function metricsRoute(metrics: Metrics, token: string | undefined): Handler {
  const isToken = token === undefined ? null : sameSecret(token);
  return async (c) => {
    if (isToken === null) {
      throw new HttpError(404, 'not-found', 'Metrics are not served on this port: scrape the metrics listener (--metrics-port, on 127.0.0.1 by default), or start the server with --metrics-token to serve them here.');
    }
    const given = bearer(c);
    if (given === null || !isToken(given)) {
      c.header('WWW-Authenticate', 'Bearer realm="metrics"');
      throw new HttpError(401, 'unauthorized', 'The metrics token is missing or wrong: send Authorization: Bearer <the --metrics-token the server was started with>.');
    }
    const { contentType, body } = await metrics.exposition();
    return c.body(body, 200, { 'content-type': contentType, 'cache-control': 'no-store' });
  };
}

/** Compares digests, so the time taken says nothing about the guess (same as the admin token). */
export function sameSecret(secret: string): (candidate: string) => boolean {
  const expected = createHash('sha256').update(secret).digest();
  return (candidate) => timingSafeEqual(createHash('sha256').update(candidate).digest(), expected);
}
