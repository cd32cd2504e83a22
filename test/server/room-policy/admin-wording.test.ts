/**
 * Every refusal of the admin API, as the operator reads it at 7:59: what is wrong and what to write
 * instead (issue 13: "Send the admin token as Authorization: Bearer." to someone who had sent it, and
 * `capacty: Invalid key: Expected never but received "capacty"`).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADMIN, ROOM, harness } from '../../support/harness.js';

const asAdmin = { authorization: `Bearer ${ADMIN}` };
const put = (body: string): RequestInit => ({ method: 'PUT', headers: { ...asAdmin, 'content-type': 'application/json' }, body });

async function refusal(res: Response, status: number, code: string): Promise<string> {
  assert.equal(res.status, status);
  const { error } = (await res.json()) as { error: { code: string; message: string } };
  assert.equal(error.code, code);
  assert.doesNotMatch(error.message, /Expected never|Invalid key|Invalid type/, 'no validator jargon');
  return error.message;
}

test('a missing or wrong admin token: "the admin token is missing or wrong", and where the right one comes from', async () => {
  const h = harness();
  const attempts: [string, RequestInit][] = [
    ['no Authorization', {}],
    ['a wrong token', { headers: { authorization: 'Bearer not-the-admin-token-0123' } }],
    ['Basic instead of Bearer', { headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN}`).toString('base64')}` } }],
    ['the token without "Bearer"', { headers: { authorization: ADMIN } }],
  ];
  for (const [what, init] of attempts) {
    for (const [path, method] of [['/admin/rooms', 'GET'], [`/admin/rooms/${ROOM}`, 'PUT'], [`/admin/rooms/${ROOM}/pause`, 'POST']] as const) {
      const res = await h.request(path, { ...init, method, body: method === 'GET' ? undefined : '{}' });
      const message = await refusal(res, 401, 'unauthorized');
      assert.match(message, /^The admin token is missing or wrong: send Authorization: Bearer <token> with the ANTICHAMBRE_ADMIN_TOKEN the server was started with/, what);
      assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="admin"', what);
    }
  }
});

test('a misspelled or unknown field is named, with the list of the allowed ones', async () => {
  const h = harness();
  const message = await refusal(await h.request(`/admin/rooms/${ROOM}`, put('{"capacty": 300}')), 400, 'bad-request');
  assert.match(message, /^Unknown field "capacty": a room's settings are capacity, admitPerMinute, open, opensAt, (\w+, )*passKeys(, \w+)*\.$/);
  assert.match(await refusal(await h.request(`/admin/rooms/${ROOM}`, put('{"capacity": 3, "name": "x"}')), 400, 'bad-request'), /^Unknown field "name": /);
});

test('each bad value says the rule and what was sent', async () => {
  const h = harness();
  const cases: [string, RegExp][] = [
    ['{"capacity": -1}', /^capacity must be a whole number from 0 to 10000000 \(admitted sessions at once; 0 makes everyone wait\); got -1\.$/],
    ['{"capacity": "300"}', /^capacity must be a whole number from 0 to 10000000 .*; got "300"\.$/],
    ['{"capacity": 2.5}', /^capacity must be a whole number .*; got 2\.5\.$/],
    ['{"admitPerMinute": 0}', /^admitPerMinute must be a whole number from 1 to 10000000 \(new admissions per minute\); got 0\.$/],
    ['{"open": "yes"}', /^open must be true \(admit pupils\) or false \(pause admissions\); got "yes"\.$/],
    ['{"opensAt": "demain 8h"}', /^opensAt must be an ISO 8601 time with a time zone, like 2026-09-01T08:00:00\+02:00, or null to remove the schedule; got "demain 8h"\.$/],
  ];
  for (const [body, message] of cases) assert.match(await refusal(await h.request(`/admin/rooms/${ROOM}`, put(body)), 400, 'bad-request'), message, body);
});

test('a body that is not a JSON object, a bad room id, an unknown room: what to send instead', async () => {
  const h = harness();
  const example = /e\.g\. \{"capacity": 300, "admitPerMinute": 60, "open": true, "opensAt": "2026-09-01T08:00:00\+02:00"\}\.$/;
  assert.match(await refusal(await h.request(`/admin/rooms/${ROOM}`, { method: 'PUT', headers: asAdmin }), 400, 'bad-json'), example);
  assert.match(await refusal(await h.request(`/admin/rooms/${ROOM}`, put('{capacity: 3}')), 400, 'bad-json'), /^The body is not valid JSON: send the room's settings as a JSON object, e\.g\./);
  assert.match(await refusal(await h.request(`/admin/rooms/${ROOM}`, put('[1]')), 400, 'bad-request'), /^The body must be a JSON object of room settings, e\.g\./);
  assert.match(await refusal(await h.request(`/admin/rooms/${ROOM}`, put('null')), 400, 'bad-request'), example);
  assert.equal(await refusal(await h.request('/admin/rooms/Collège', put('{}')), 400, 'bad-room'), 'Room ids are 1–64 characters of a-z, 0-9 and -.');
  assert.equal(
    await refusal(await h.request('/admin/rooms/lycee-inconnu', { headers: asAdmin }), 404, 'room-not-found'),
    'No room "lycee-inconnu" on this server: list the rooms with GET …/admin/rooms, or create this one with PUT …/admin/rooms/lycee-inconnu.',
  );
  assert.equal(await refusal(await h.request(`/admin/rooms/${ROOM}`, put(JSON.stringify({ capacity: 1, pad: 'x'.repeat(5000) }))), 413, 'payload-too-large'), 'Request bodies are limited to 4096 bytes.');
  assert.match(await refusal(await h.request(`/admin/rooms/${ROOM}`, { method: 'DELETE', headers: asAdmin }), 404, 'not-found'), /^Nothing at DELETE \/api\/v1\/admin\/rooms\//);
});
