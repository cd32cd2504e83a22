/**
 * Whatever arrives, malformed or malicious, the answer is a 4xx JSON error with a code, and the line is
 * exactly as it was: nobody loses or gains a place because of someone else's junk.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import * as v from 'valibot';
import { ErrorBodySchema } from '../../../src/core/protocol/protocol.js';
import { startServer } from '../../../src/server/http/serve.js';
import { ADMIN, ROOM, harness, newKey } from '../../support/harness.js';

async function assertClientError(res: Response, what: string): Promise<void> {
  assert.ok(res.status >= 400 && res.status < 500, `${what}: got ${res.status}`);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/, what);
  const body = v.parse(ErrorBodySchema, await res.json());
  assert.ok(body.error.code.length > 0, what);
}

test('junk of every kind answers 4xx JSON and leaves the line intact', async () => {
  const h = harness({ capacity: 1, joinLimitPerMinute: 0 });
  const pupils = [];
  for (let i = 0; i < 3; i++) pupils.push((await h.join(newKey())).body);
  const [inside, first, second] = pupils as [typeof pupils[0], typeof pupils[0], typeof pupils[0]];
  const before = await h.roomStatus();

  const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }): RequestInit => ({ method: 'POST', headers, body });
  const auth = { authorization: `Bearer ${first.ticket}` };
  const admin = (body: string): RequestInit => ({ method: 'PUT', headers: { authorization: `Bearer ${ADMIN}` }, body });
  const cases: [string, string, RequestInit?][] = [
    // bad JSON and wrong types
    ['truncated JSON', `/rooms/${ROOM}/tickets`, post('{"key": "abc')],
    ['null', `/rooms/${ROOM}/tickets`, post('null')],
    ['a string', `/rooms/${ROOM}/tickets`, post('"key"')],
    ['key null', `/rooms/${ROOM}/tickets`, post('{"key": null}')],
    ['key array', `/rooms/${ROOM}/tickets`, post('{"key": ["aaaaaaaaaaaaaaaaaaaa"]}')],
    ['key with spaces', `/rooms/${ROOM}/tickets`, post('{"key": "aaaaaaaa aaaaaaaaaaaa"}')],
    ['key too long', `/rooms/${ROOM}/tickets`, post(JSON.stringify({ key: 'k'.repeat(129) }))],
    ['prototype pollution', `/rooms/${ROOM}/tickets`, post('{"__proto__": {"key": "aaaaaaaaaaaaaaaaaaaa"}}')],
    ['deep nesting', `/rooms/${ROOM}/tickets`, post('['.repeat(2000) + ']'.repeat(2000))],
    ['form body', `/rooms/${ROOM}/tickets`, post('key=aaaaaaaaaaaaaaaaaaaa', { 'content-type': 'application/x-www-form-urlencoded' })],
    ['huge body', `/rooms/${ROOM}/tickets`, post(JSON.stringify({ key: 'k'.repeat(50_000) }))],
    ['release with junk body', `/rooms/${ROOM}/tickets/${first.id}/release`, post('{"ticket": 42}')],
    ['release with empty ticket', `/rooms/${ROOM}/tickets/${first.id}/release`, post('{"ticket": ""}')],
    ['admin: capacity Infinity', `/admin/rooms/${ROOM}`, admin('{"capacity": 1e400}')],
    ['admin: capacity 1.5', `/admin/rooms/${ROOM}`, admin('{"capacity": 1.5}')],
    ['admin: open "true"', `/admin/rooms/${ROOM}`, admin('{"open": "true"}')],
    ['admin: unknown field', `/admin/rooms/${ROOM}`, admin('{"open": false, "seats": 1}')],
    // unknown rooms and tickets
    ['unknown room status', '/rooms/never-seen'],
    ['unknown room ticket', `/rooms/never-seen/tickets/${first.id}`, { headers: auth }],
    ['ticket of another room', `/rooms/lycee-autre/tickets/${first.id}`, { headers: auth }],
    // path tricks, long ids, unicode
    ['..%2f in room', `/rooms/..%2fadmin%2frooms%2f${ROOM}/tickets`, post(JSON.stringify({ key: newKey() }))],
    ['..%2f in ticket id', `/rooms/${ROOM}/tickets/..%2f..%2fadmin`, { headers: auth }],
    ['%2e%2e segments', `/rooms/%2e%2e/%2e%2e/admin/rooms/${ROOM}`, admin('{"open": false}')],
    ['encoded NUL', `/rooms/${ROOM}%00/tickets`, post(JSON.stringify({ key: newKey() }))],
    ['bad percent-encoding', `/rooms/%E0%A4%A/tickets`, post(JSON.stringify({ key: newKey() }))],
    ['unicode room', `/rooms/coll%C3%A8ge-jean-moulin/tickets`, post(JSON.stringify({ key: newKey() }))],
    ['emoji room', `/rooms/%F0%9F%8F%AB/tickets`, post(JSON.stringify({ key: newKey() }))],
    ['look-alike room (Cyrillic e)', `/rooms/coll%D0%B5ge/tickets`, post(JSON.stringify({ key: newKey() }))],
    ['room of 65 chars', `/rooms/${'a'.repeat(65)}`],
    ['room of 5,000 chars', `/rooms/${'a'.repeat(5000)}/tickets`, post(JSON.stringify({ key: newKey() }))],
    ['ticket id of 5,000 chars', `/rooms/${ROOM}/tickets/${'a'.repeat(5000)}`, { headers: auth }],
    ['credential of 10,000 chars', `/rooms/${ROOM}/tickets/${first.id}`, { headers: { authorization: `Bearer ${'a'.repeat(10_000)}` } }],
    // wrong methods and routes
    ['DELETE a ticket', `/rooms/${ROOM}/tickets/${first.id}`, { method: 'DELETE', headers: auth }],
    ['GET the join route', `/rooms/${ROOM}/tickets`],
  ];
  for (const [what, path, init] of cases) await assertClientError(await h.request(path, init), what);

  assert.deepEqual(await h.roomStatus(), before, 'the room is unchanged');
  assert.equal((await h.statusOk(inside.id, inside.ticket!)).state, 'admitted');
  assert.equal((await h.statusOk(first.id, first.ticket!)).position, 1);
  assert.equal((await h.statusOk(second.id, second.ticket!)).position, 2);
  assert.deepEqual((await (await h.request('/admin/rooms', { headers: { authorization: `Bearer ${ADMIN}` } })).json()).rooms.map((r: { room: string }) => r.room), [ROOM], 'no room was created by junk');
});

/** Sends raw bytes, returns the raw answer: for requests no HTTP client would make. */
function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(bytes));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

test('over the wire, requests Node refuses before the app (huge headers, garbage) still get JSON', async () => {
  const server = await startServer({ port: 0 });
  try {
    const longUrl = await fetch(`${server.apiUrl}/rooms/${'a'.repeat(20_000)}`);
    assert.equal(longUrl.status, 431);
    assert.equal(((await longUrl.json()) as { error: { code: string } }).error.code, 'payload-too-large');
    const garbage = await raw(server.port, 'GARBAGE\r\n\r\n');
    assert.match(garbage, /^HTTP\/1\.1 400 /);
    assert.match(garbage, /\{"error":\{"code":"bad-request"/);
    assert.equal((await fetch(`${server.apiUrl}/rooms/x`)).status, 404, 'and the server keeps serving');
  } finally {
    await server.close();
  }
});
