/**
 * Status answers in a room with lanes (issue 18): every answer of a ticket a pass put in a lane says the lane
 * (the widget shows « File prioritaire » from the last one), and a lane outside its window is paced so that
 * its window opening cannot admit anyone who was told to come back after their admission grace.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { ROOM, harness, newKey } from '../../support/harness.js';

test('lane tickets say their lane on every status; a lane before its window opens is told to come back within the grace', async () => {
  const h = harness({ waitingTtlSeconds: 3600, joinLimitPerMinute: 0 });
  h.clock.now = Date.parse('2026-09-01T08:00:00+02:00'); // parents' window opens at 8:30, Paris time
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const lanes = [
    { name: 'personnels', share: 0.5 },
    { name: 'parents', share: 0.1, window: { from: '08:30' } },
  ];
  // Everyone waits while the line forms (capacity 0, and a rate that does not make 31 joins look like a flood).
  const configured = await h.configure(ROOM, { capacity: 0, admitPerMinute: 600, lanes, passKeys: { publicKeys: [{ ...(await exportJWK(publicKey)), kid: 'ent' }] } });
  assert.ok(configured.ok, await configured.text());
  const pass = (lane: string) =>
    new SignJWT({ lane }).setProtectedHeader({ alg: 'ES256', kid: 'ent' }).setSubject(`${lane}-1`).setAudience(ROOM).setExpirationTime(Math.floor(h.clock.now / 1000) + 8 * 3600).sign(privateKey);
  const joinWith = async (lane: string) => {
    const res = await h.request(`/rooms/${ROOM}/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: newKey(), pass: await pass(lane) }) });
    const body = (await res.json()) as { id: string; ticket: string; lane?: string; passRefused?: string };
    assert.equal(body.passRefused, undefined);
    return body;
  };

  const pupils = [];
  for (let i = 0; i < 31; i++) pupils.push((await h.join(newKey())).body);
  const parent = await joinWith('parents');
  // Then one admission a minute: the first pupil gets in, 30 wait, about 30 minutes for the last.
  assert.ok((await h.configure(ROOM, { capacity: 1000, admitPerMinute: 1 })).ok);
  assert.equal((await h.statusOk(pupils[0]!.id, pupils[0]!.ticket!)).state, 'admitted');
  const staff = await joinWith('personnels');
  assert.deepEqual([parent.lane, staff.lane], ['parents', 'personnels']);
  h.tick(1_000);

  const last = await h.statusOk(pupils[30]!.id, pupils[30]!.ticket!);
  assert.equal(last.lane, undefined, 'a pupil reads nothing about lanes');
  const staffStatus = await h.statusOk(staff.id, staff.ticket);
  assert.deepEqual([staffStatus.lane, staffStatus.position], ['personnels', 1]);
  const parentStatus = await h.statusOk(parent.id, parent.ticket);
  assert.equal(parentStatus.lane, 'parents');
  assert.ok(parentStatus.position! > 30, `before 8:30 everyone is ahead of the parent (position ${parentStatus.position})`);
  // The window may open before the parent asks again: it must ask within the 3-minute grace (less a
  // hidden tab's 1.4× and 10 s of slack), though its position alone would allow the 5-minute cap.
  assert.ok(parentStatus.pollAfterMs <= (180_000 - 10_000) / 1.4, `parent told to come back in ${parentStatus.pollAfterMs} ms`);
  assert.equal(last.pollAfterMs, 300_000, 'the back of the pupils line keeps its 5-minute cap');
});

test('a parent before the window opens is told the wait until it opens, not « 1re place, a few seconds »', async () => {
  const h = harness({ waitingTtlSeconds: 3600, joinLimitPerMinute: 0 });
  h.clock.now = Date.parse('2026-09-01T08:00:00+02:00');
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const lanes = [{ name: 'parents', share: 0.1, window: { from: '08:30' } }];
  assert.ok((await h.configure(ROOM, { capacity: 100, admitPerMinute: 600, lanes, passKeys: { publicKeys: [{ ...(await exportJWK(publicKey)), kid: 'ent' }] } })).ok);
  const pass = await new SignJWT({ lane: 'parents' }).setProtectedHeader({ alg: 'ES256', kid: 'ent' }).setSubject('parent-1').setAudience(ROOM).setExpirationTime(Math.floor(h.clock.now / 1000) + 3600).sign(privateKey);
  const res = await h.request(`/rooms/${ROOM}/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: newKey(), pass }) });
  const body = (await res.json()) as { state: string; position: number; etaSeconds: number; etaLowSeconds: number; etaHighSeconds: number; pollAfterMs: number; lane?: string };
  assert.equal(body.lane, 'parents');
  assert.equal(body.state, 'waiting', 'held until 08:30 although the room is empty');
  assert.equal(body.etaSeconds, 30 * 60, 'the wait until the window opens');
  assert.ok(body.etaLowSeconds >= 30 * 60 && body.etaHighSeconds > 30 * 60, `range ${body.etaLowSeconds}–${body.etaHighSeconds} s`);
  assert.ok(body.pollAfterMs >= 60_000, `polls every ${body.pollAfterMs} ms for 30 minutes`);
});
