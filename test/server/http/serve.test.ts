/** The server over real HTTP, as the widget and the ENT meet it: a pupil waits, an admin opens a seat, the pupil gets in. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as v from 'valibot';
import { RoomStatusSchema, TicketStatusSchema } from '../../../src/core/protocol/protocol.js';
import { startServer, type RunningServer } from '../../../src/server/http/serve.js';

let server: RunningServer;
before(async () => {
  server = await startServer({ port: 0, capacity: 0, extend: (app) => app.get('/hello', (c) => c.text('extra route')) });
});
after(() => server.close());

test('startServer listens on a free port of 127.0.0.1 and reports its URLs', () => {
  assert.ok(server.port > 0);
  assert.equal(server.origin, `http://127.0.0.1:${server.port}`);
  assert.equal(server.apiUrl, `${server.origin}/api/v1`);
  assert.ok(server.adminToken.length >= 16);
});

test('over HTTP: join, wait, admin opens a seat, admitted, release, with CORS from another origin', async () => {
  const origin = { origin: 'https://ent.example' };
  const joined = await fetch(`${server.apiUrl}/rooms/college-test/tickets`, {
    method: 'POST',
    headers: { ...origin, 'content-type': 'application/json' },
    body: JSON.stringify({ key: 'e2e-key-0123456789abcdef' }),
  });
  assert.equal(joined.status, 201);
  assert.equal(joined.headers.get('access-control-allow-origin'), '*');
  const ticket = v.parse(TicketStatusSchema, await joined.json());
  assert.equal(ticket.position, 1);

  const opened = await fetch(`${server.apiUrl}/admin/rooms/college-test`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ capacity: 1 }),
  });
  assert.equal(opened.status, 200);

  const status = await fetch(`${server.apiUrl}/rooms/college-test/tickets/${ticket.id}`, { headers: { ...origin, authorization: `Bearer ${ticket.ticket}` } });
  const admitted = v.parse(TicketStatusSchema, await status.json());
  assert.equal(admitted.state, 'admitted');
  assert.ok(admitted.admission?.token);

  const released = await fetch(`${server.apiUrl}/rooms/college-test/tickets/${ticket.id}/release`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: JSON.stringify({ ticket: ticket.ticket }),
  });
  assert.equal(released.status, 204);
  const room = v.parse(RoomStatusSchema, await (await fetch(`${server.apiUrl}/rooms/college-test`)).json());
  assert.deepEqual([room.waiting, room.active], [0, 0]);
});

test('routes mounted with extend are served next to the API; unknown paths get a JSON 404', async () => {
  assert.equal(await (await fetch(`${server.origin}/hello`)).text(), 'extra route');
  const missing = await fetch(`${server.origin}/nope`);
  assert.equal(missing.status, 404);
  assert.deepEqual(((await missing.json()) as { error: { code: string } }).error.code, 'not-found');
});

test('a malformed request over the wire does not bring the server down', async () => {
  const res = await fetch(`${server.apiUrl}/rooms/college-test/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '\u0000{{{' });
  assert.equal(res.status, 400);
  assert.equal((await fetch(`${server.apiUrl}/rooms/college-test`)).status, 200);
});
