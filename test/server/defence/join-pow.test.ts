import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import { PowChallengeSchema, TicketStatusSchema, type PowChallenge, type PowSolution } from '../../../src/core/protocol/protocol.js';
import { searchPow } from '../../../src/core/pow/pow-search.js';
import { BASE_POW_MAXNUMBER } from '../../../src/server/defence/join-pow.js';
import { ADMIN, ROOM, assertError, harness, newKey, type Harness } from '../../support/harness.js';

const json = { 'content-type': 'application/json' };
const admin = { authorization: `Bearer ${ADMIN}`, ...json };

const postJoin = (h: Harness, key: string, pow?: PowSolution, room = ROOM) =>
  h.request(`/rooms/${room}/tickets`, { method: 'POST', headers: json, body: JSON.stringify({ key, pow }) });

const setMode = (h: Harness, mode: string, room = ROOM) =>
  h.request(`/admin/rooms/${room}/defence`, { method: 'PUT', headers: admin, body: JSON.stringify({ mode }) });

/** A join answered 428: checks the body and returns its challenge. */
async function challengeOf(res: Response): Promise<PowChallenge> {
  assert.equal(res.status, 428);
  const body = (await res.json()) as { error: { code: string; message: string }; pow: unknown };
  assert.equal(body.error.code, 'pow-required');
  assert.ok(body.error.message.length > 0);
  return v.parse(PowChallengeSchema, body.pow);
}

const solve = (challenge: PowChallenge): PowSolution => {
  const number = searchPow(challenge.salt, challenge.challenge, 0, challenge.maxnumber + 1);
  assert.ok(number >= 0, 'the challenge has a solution within maxnumber');
  const { maxnumber: _, ...rest } = challenge;
  return { ...rest, number };
};

test('an ordinary room asks no proof of work: the join is accepted at once', async () => {
  const h = harness();
  const res = await postJoin(h, newKey());
  assert.equal(res.status, 201);
  const view = await (await h.request(`/admin/rooms/${ROOM}/defence`, { headers: admin })).json();
  assert.deepEqual(view, { room: ROOM, mode: 'auto', powRequired: false, raisedUntil: null });
});

test('under attack, a join gets a challenge; solved, the same key joins; the answer keeps the ticket', async () => {
  const h = harness();
  await h.configure(ROOM, {});
  assert.equal((await setMode(h, 'on')).status, 200);
  const key = newKey();
  const challenge = await challengeOf(await postJoin(h, key));
  assert.equal(challenge.maxnumber, BASE_POW_MAXNUMBER);
  assert.equal((await h.roomStatus()).waiting, 0, 'a challenged join holds no place');
  const res = await postJoin(h, key, solve(challenge));
  assert.equal(res.status, 201);
  const status = v.parse(TicketStatusSchema, await res.json());
  assert.ok(status.ticket);
  // Idempotent by key: the same solution sent again returns the same ticket, not a second place.
  const again = await postJoin(h, key, solve(challenge));
  assert.equal(again.status, 200);
  assert.equal(v.parse(TicketStatusSchema, await again.json()).id, status.id);
  // A pupil holding a ticket polls with its credential: no proof of work there.
  assert.equal((await h.status(status.id, status.ticket!)).status, 200);
});

test('under attack, a place costs one join of the allowance, not two: the challenge itself is not counted', async () => {
  // A burst of 2 joins: two pupils behind one address each get a challenge, solve it and get a place.
  const h = harness({ joinLimitPerMinute: 60, joinBurst: 2 });
  await h.configure(ROOM, {});
  assert.equal((await setMode(h, 'on')).status, 200);
  for (const key of [newKey(), newKey()]) {
    const challenge = await challengeOf(await postJoin(h, key));
    assert.equal((await postJoin(h, key, solve(challenge))).status, 201);
  }
  // The third proof is over the burst: refused by the limit, with Retry-After, before any verification.
  const third = newKey();
  const challenge = await challengeOf(await postJoin(h, third));
  const refused = await postJoin(h, third, solve(challenge));
  assert.equal(refused.status, 429);
  assert.ok(Number(refused.headers.get('retry-after')) >= 1);
});

test('refused proofs: wrong number, expired, made for another room, reused for another key, forged', async () => {
  const h = harness();
  await h.configure(ROOM, {});
  await setMode(h, 'on');
  await setMode(h, 'on', 'other-room');
  const key = newKey();
  const good = solve(await challengeOf(await postJoin(h, key)));

  const wrong = { ...good, number: good.number + 1 };
  assert.match((await (await challengeOf(await postJoin(h, key, wrong))).salt), /room=college-jean-moulin/);
  const otherRoom = solve(await challengeOf(await postJoin(h, key, undefined, 'other-room')));
  const refusedRoom = await postJoin(h, key, otherRoom);
  await challengeOf(refusedRoom.clone());
  assert.match(((await refusedRoom.json()) as { error: { message: string } }).error.message, /another room/);
  const refusedKey = await postJoin(h, newKey(), good);
  await challengeOf(refusedKey.clone());
  assert.match(((await refusedKey.json()) as { error: { message: string } }).error.message, /another join key/);
  // A salt edited to name another key breaks the signed challenge.
  const forged = { ...good, salt: good.salt.replace(/key=[^&]+/, `key=${newKey()}`) };
  await challengeOf(await postJoin(h, key, forged));
  h.tick(10 * 60_000 + 1);
  const expired = await postJoin(h, key, good);
  await challengeOf(expired.clone());
  assert.match(((await expired.json()) as { error: { message: string } }).error.message, /expired/);
  assert.equal((await h.roomStatus()).waiting, 0, 'no refused proof got a place');
  // Malformed proofs are bad requests, not challenges.
  const body = JSON.stringify({ key, pow: { ...good, algorithm: 'SHA-1' } });
  const malformed = await h.request(`/rooms/${ROOM}/tickets`, { method: 'POST', headers: json, body });
  await assertError(malformed, 400, 'bad-request');
});

test('a room whose joins look like a flood raises proof of work by itself, and the admin can turn it off', async () => {
  const h = harness({ joinLimitPerMinute: 0 });
  // 1 admission a minute: more than 20 joins in a minute is beyond what its pupils can be (flood-rule.ts).
  assert.equal((await h.configure(ROOM, { admitPerMinute: 1 })).status, 201);
  for (let i = 0; i < 21; i++) assert.equal((await postJoin(h, newKey())).status, 201, `join ${i + 1}`);
  await challengeOf(await postJoin(h, newKey()));
  const view = (await (await h.request(`/admin/rooms/${ROOM}/defence`, { headers: admin })).json()) as { powRequired: boolean; raisedUntil: string };
  assert.equal(view.powRequired, true);
  assert.ok(Date.parse(view.raisedUntil) > h.clock.now);
  await setMode(h, 'off');
  assert.equal((await postJoin(h, newKey())).status, 201, '"off" lets joins in even while flooded');
  await setMode(h, 'auto');
  await challengeOf(await postJoin(h, newKey()));
  // The raise lapses once the flood has stopped for the hold time (15 minutes).
  h.tick(16 * 60_000);
  assert.equal((await postJoin(h, newKey())).status, 201);
});

test('one address joining far more than a school raises the room, and its challenges get harder', async () => {
  const h = harness({ joinLimitPerMinute: 0 });
  await h.configure(ROOM, { admitPerMinute: 100_000 });
  for (let i = 0; i < 101; i++) await postJoin(h, newKey());
  const challenge = await challengeOf(await postJoin(h, newKey()));
  assert.ok(challenge.maxnumber > BASE_POW_MAXNUMBER, `maxnumber ${challenge.maxnumber} for the 102nd join of one address in a minute`);
});

test('the defence admin routes need the admin token and a valid mode', async () => {
  const h = harness();
  await assertError(await h.request(`/admin/rooms/${ROOM}/defence`, { method: 'PUT', headers: json, body: '{"mode":"on"}' }), 401, 'unauthorized');
  await assertError(await setMode(h, 'attack'), 400, 'bad-request');
  const res = await setMode(h, 'on');
  assert.deepEqual(await res.json(), { room: ROOM, mode: 'on', powRequired: true, raisedUntil: null });
});
