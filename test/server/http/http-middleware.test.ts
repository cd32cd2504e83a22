/**
 * Over real HTTP, CORS headers are set on Node's response and bodies are capped from Content-Length
 * (src/server/http/http-middleware.ts): the answers must be the ones Hono's cors() and bodyLimit() give in
 * process.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, test } from 'node:test';
import { createApp } from '../../../src/server/http/app.js';
import { startServer, type RunningServer } from '../../../src/server/http/serve.js';
import { ADMIN, ROOM, SECRET, newKey } from '../../support/harness.js';

const CORS_HEADERS = ['access-control-allow-origin', 'access-control-expose-headers', 'access-control-allow-methods', 'access-control-max-age', 'vary'];
const LISTED = 'https://ent.example';

let anyOrigin: RunningServer;
let allowlist: RunningServer;
before(async () => {
  const options = { port: 0, secret: SECRET, adminToken: ADMIN, capacity: 0 };
  anyOrigin = await startServer(options);
  allowlist = await startServer({ ...options, corsOrigins: [LISTED] });
});
after(async () => {
  await anyOrigin?.close();
  await allowlist?.close();
});

const corsOf = (headers: Headers): Record<string, string | null> => Object.fromEntries(CORS_HEADERS.map((name) => [name, headers.get(name)]));

test('CORS headers over HTTP are those of Hono cors() in process: any origin and an allowlist, answers, errors, 404s', async () => {
  for (const [server, corsOrigins] of [
    [anyOrigin, ['*']],
    [allowlist, [LISTED]],
  ] as const) {
    const inProcess = createApp({ secret: SECRET, adminToken: ADMIN, capacity: 0, corsOrigins, logError: () => {} });
    for (const origin of [undefined, LISTED, 'https://evil.example']) {
      const headers: Record<string, string> = origin ? { origin } : {};
      const join = (): RequestInit => ({ method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ key: newKey() }) });
      for (const [path, init] of [
        [`/api/v1/rooms/${ROOM}/tickets`, join()],
        [`/api/v1/rooms/${ROOM}`, { headers }],
        ['/api/v1/rooms/Bad', { headers }],
        ['/nowhere', { headers }],
        [`/api/v1/rooms/${ROOM}/tickets/0123456789abcdef0123456789abcdef`, { headers: { ...headers, authorization: 'Bearer nope' } }],
        [`/api/v1/rooms/${ROOM}/tickets`, { method: 'OPTIONS', headers: { ...headers, 'access-control-request-method': 'POST' } }],
      ] as const) {
        const overHttp = await fetch(server.origin + path, init);
        const local = await inProcess.request(path, path.endsWith('/tickets') && init.method === 'POST' ? join() : init);
        assert.equal(overHttp.status, local.status, `${init.method ?? 'GET'} ${path} from ${origin}`);
        assert.deepEqual(corsOf(overHttp.headers), corsOf(local.headers), `${init.method ?? 'GET'} ${path} from ${origin} (${corsOrigins})`);
        await overHttp.arrayBuffer();
      }
    }
  }
});

/** A raw request, so that the test controls Content-Length and chunking (fetch would fix them). */
function raw(server: RunningServer, headers: Record<string, string>, chunks: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${server.apiUrl}/rooms/${ROOM}/tickets`, { method: 'POST', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

test('over HTTP, join bodies over 8 KiB (room for a 4 KiB pass) are refused with 413 whether Content-Length declares them or they come chunked', async () => {
  const big = JSON.stringify({ key: newKey(), padding: 'x'.repeat(9000) });
  const declared = await raw(anyOrigin, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(big)) }, [big]);
  assert.equal(declared.status, 413);
  assert.equal(JSON.parse(declared.body).error.code, 'payload-too-large');
  const chunked = await raw(anyOrigin, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, [big.slice(0, 3000), big.slice(3000)]);
  assert.equal(chunked.status, 413);
  assert.equal(JSON.parse(chunked.body).error.code, 'payload-too-large');

  const small = JSON.stringify({ key: newKey() });
  assert.equal((await raw(anyOrigin, { 'content-type': 'application/json', 'content-length': String(small.length) }, [small])).status, 201);
  const smallChunked = JSON.stringify({ key: newKey() });
  assert.equal((await raw(anyOrigin, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, [smallChunked.slice(0, 5), smallChunked.slice(5)])).status, 201);
});
