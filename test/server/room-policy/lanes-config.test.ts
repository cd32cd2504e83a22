/**
 * A room's lanes as an operator sets them: PUT /admin/rooms/{room} and the --rooms file take them, the
 * admin answer shows them, and each mistake is refused with the lane, the rule and what was sent.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, parseConfig } from '../../../src/server/config/config.js';
import { ADMIN, ROOM, harness } from '../../support/harness.js';

const put = (lanes: unknown): RequestInit => ({
  method: 'PUT',
  headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
  body: JSON.stringify({ lanes }),
});

test('lanes set through the admin API are kept and shown; [] removes them', async () => {
  const h = harness();
  const lanes = [{ name: 'personnels', share: 0.3 }, { name: 'parents', share: 0.1, window: { from: '08:30', to: '17:30', timeZone: 'Europe/Paris', shareOutside: 0 } }];
  const shown = async (): Promise<unknown> => (((await (await h.request(`/admin/rooms/${ROOM}`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as { settings: { lanes?: unknown } }).settings.lanes);
  const res = await h.request(`/admin/rooms/${ROOM}`, put(lanes));
  assert.ok([200, 201].includes(res.status), await res.clone().text());
  assert.deepEqual(await shown(), lanes);
  await h.request(`/admin/rooms/${ROOM}`, put([]));
  assert.deepEqual(await shown(), []);
});

test('each bad lane is refused with the lane, the rule and what was sent', async () => {
  const h = harness();
  const cases: [unknown, RegExp][] = [
    [{ name: 'personnels' }, /^lanes must be a list of lanes, like \[/],
    [[{ name: 'default', share: 0.3 }], /^lanes\[0\]\.name must be 1–32 characters of a-z, 0-9 and -, starting with a letter, and not "default" .*; got "default"\.$/],
    [[{ name: 'personnels', share: 1.5 }], /^lanes\[0\]\.share must be above 0 and below 1 .*; got 1\.5\.$/],
    [[{ name: 'a', share: 0.5 }, { name: 'b', share: 0.5 }], /^lanes: the shares add up to 1, at most 0\.95 so that the default lane keeps 5 % of the admissions\.$/],
    [[{ name: 'a', share: 0.1 }, { name: 'a', share: 0.1 }], /^lanes: each lane needs its own name; "a" is there twice\.$/],
    [[{ name: 'parents', share: 0.1, window: { from: '8h30' } }], /^lanes\[0\]\.window\.from must be a time of day "HH:MM", like "08:30"; got "8h30"\.$/],
    [[{ name: 'parents', share: 0.1, window: { from: '08:30', timeZone: 'Paris' } }], /^lanes\[0\]\.window\.timeZone must be an IANA time zone, like "Europe\/Paris"; got "Paris"\.$/],
    [[{ name: 'parents', share: 0.1, priority: 2 }], /^lanes\[0\] has an unknown field "priority": a lane has name, share and window/],
  ];
  for (const [lanes, message] of cases) {
    const res = await h.request(`/admin/rooms/${ROOM}`, put(lanes));
    assert.equal(res.status, 400, JSON.stringify(lanes));
    assert.match(((await res.json()) as { error: { message: string } }).error.message, message, JSON.stringify(lanes));
  }
});

test('the --rooms file declares lanes, and names a bad one in one line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'antichambre-lanes-'));
  const good = join(dir, 'rooms.yaml');
  writeFileSync(good, ['rooms:', '  college-a:', '    lanes:', '      - { name: personnels, share: 0.5 }', '      - { name: parents, share: 0.1, window: { from: "08:30" } }', ''].join('\n'));
  const settings = parseConfig(['--rooms', good], {});
  assert.ok(settings !== 'help');
  assert.deepEqual(settings.declaredRooms?.['college-a']?.lanes, [{ name: 'personnels', share: 0.5 }, { name: 'parents', share: 0.1, window: { from: '08:30' } }]);
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'rooms:\n  college-a:\n    lanes: [{ name: personnels, share: 0 }]\n');
  assert.throws(
    () => parseConfig(['--rooms', bad], {}),
    (e) => e instanceof ConfigError && /^--rooms .*bad\.yaml: rooms\.college-a: lanes\[0\]\.share must be above 0 and below 1 .*; got 0\.$/.test(e.message),
  );
});
