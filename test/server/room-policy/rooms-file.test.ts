/**
 * `--rooms FILE`, `--room-creation` and `--max-rooms` as an operator meets them: a JSON or YAML file of
 * rooms, one clear line and exit code 2 for a bad one, and pupils' joins that create no room the
 * operator did not declare or configure once rooms are declared.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createApp } from '../../../src/server/http/app.js';
import { ConfigError, parseConfig } from '../../../src/server/config/config.js';
import { unlimited } from '../../../src/server/rate-limit/rate-limit.js';

const dir = mkdtempSync(join(tmpdir(), 'antichambre-rooms-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const ADMIN = 'rooms-file-admin-token-0123456789';

test('--rooms reads JSON or YAML; rooms are then created by the operator only, unless --room-creation join', () => {
  const yaml = file(
    'rooms.yaml',
    ['rooms:', '  college-jean-moulin: { capacity: 300, admitPerMinute: 120 }', '  lycee-victor-hugo:', '    capacity: 2', '    opensAt: 2026-09-01T08:00:00+02:00', ''].join('\n'),
  );
  const json = file('rooms.json', JSON.stringify({ rooms: { 'college-a': { capacity: 30, open: false } } }));
  const fromYaml = parseConfig(['--rooms', yaml], {});
  assert.ok(fromYaml !== 'help');
  assert.deepEqual(fromYaml.declaredRooms, {
    'college-jean-moulin': { capacity: 300, admitPerMinute: 120 },
    'lycee-victor-hugo': { capacity: 2, opensAt: '2026-09-01T08:00:00+02:00' },
  });
  assert.equal(fromYaml.roomCreation, undefined, 'admin by default with --rooms (store-options-from-settings.ts)');
  assert.equal(fromYaml.maxRooms, 10_000);
  const fromJson = parseConfig([`--rooms=${json}`, '--room-creation', 'join', '--max-rooms', '50'], {});
  assert.ok(fromJson !== 'help');
  assert.deepEqual(fromJson.declaredRooms, { 'college-a': { capacity: 30, open: false } });
  assert.equal(fromJson.roomCreation, 'join');
  assert.equal(fromJson.maxRooms, 50);
});

test('a bad rooms file, creation mode or room limit is refused with one line naming the problem', () => {
  const cases: [string[], RegExp][] = [
    [['--rooms', join(dir, 'missing.yaml')], /--rooms .*missing\.yaml: cannot read it \(ENOENT\)/],
    [['--rooms', file('broken.yaml', 'rooms: {college-a: [')], /--rooms .*broken\.yaml: not valid JSON or YAML/],
    [['--rooms', file('typo.yaml', 'rooms:\n  college-a: { capacty: 3 }\n')], /rooms\.college-a.*capacty/],
    [['--rooms', file('negative.json', '{"rooms": {"college-a": {"capacity": -1}}}')], /rooms\.college-a\.capacity/],
    [['--rooms', file('bad-id.yaml', 'rooms:\n  Collège A: { capacity: 3 }\n')], /room ids are 1–64 characters/],
    [['--rooms', file('empty.yaml', 'rooms: {}\n')], /declares no room/],
    [['--rooms', file('list.yaml', '- college-a\n')], /--rooms .*list\.yaml: .*expected \{"rooms"/],
    [['--room-creation', 'anyone'], /--room-creation must be join or admin/],
    [['--max-rooms', '0'], /--max-rooms must be at least 1/],
  ];
  for (const [argv, message] of cases) {
    assert.throws(
      () => parseConfig(argv, {}),
      (e) => e instanceof ConfigError && message.test(e.message) && !e.message.includes('\n'),
      `${argv.join(' ')} should fail with ${message}`,
    );
  }
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/config/cli.ts', '--rooms', join(dir, 'typo.yaml')], { encoding: 'utf8', env: { ...process.env, PORT: '' } });
  assert.equal(run.status, 2);
  assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
  assert.match(run.stderr, /^antichambre: --rooms .*typo\.yaml: rooms\.college-a/);
});

test('with declared rooms, a join to a room nobody declared or configured answers 404 room-not-found; declared and configured rooms are joined', async () => {
  const app = createApp({
    secret: 'rooms-file-secret-0123456789',
    adminToken: ADMIN,
    joinLimiter: unlimited,
    declaredRooms: { 'college-declare': { capacity: 2 } },
  });
  const joinStatus = async (room: string): Promise<{ status: number; code?: string }> => {
    const res = await app.request(`/api/v1/rooms/${room}/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: 'rooms-file-key-0000000001' }) });
    return { status: res.status, code: ((await res.json()) as { error?: { code: string } }).error?.code };
  };
  assert.deepEqual(await joinStatus('college-inconnu'), { status: 404, code: 'room-not-found' });
  assert.equal((await app.request('/api/v1/rooms/college-inconnu')).status, 404, 'and it created nothing');
  assert.deepEqual(await joinStatus('college-declare'), { status: 201, code: undefined });
  const room = (await (await app.request('/api/v1/rooms/college-declare')).json()) as { capacity: number };
  assert.equal(room.capacity, 2);
  const put = await app.request('/api/v1/admin/rooms/college-ouvert', { method: 'PUT', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: '{"capacity":5}' });
  assert.equal(put.status, 201);
  assert.deepEqual(await joinStatus('college-ouvert'), { status: 201, code: undefined });
});

test('joins create at most --max-rooms rooms: beyond, 503 unavailable with Retry-After (idle rooms are forgotten); admin calls still create', async () => {
  const app = createApp({ secret: 'rooms-file-secret-0123456789', adminToken: ADMIN, joinLimiter: unlimited, roomCreation: 'join', maxRooms: 2 });
  const join = (room: string) =>
    app.request(`/api/v1/rooms/${room}/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: 'max-rooms-key-00000000001' }) });
  assert.equal((await join('junk-a')).status, 201);
  assert.equal((await join('junk-b')).status, 201);
  const refused = await join('junk-c');
  assert.equal(refused.status, 503);
  assert.equal(refused.headers.get('retry-after'), '60');
  assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'unavailable');
  assert.equal((await join('junk-a')).status, 200, 'existing rooms are still joined');
  const put = await app.request('/api/v1/admin/rooms/college-c', { method: 'PUT', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: '{}' });
  assert.equal(put.status, 201);
});
