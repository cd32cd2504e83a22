/** An operator's view of the command line: clear refusals, exit code 2, usable defaults. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { ConfigError, parseConfig } from '../../../src/server/config/config.js';

test('defaults, flags and environment combine into one configuration', () => {
  const config = parseConfig(['--capacity', '0', '--admit-per-minute=30', '--cors-origin', 'https://ent.example, https://b.example'], {
    PORT: '9000',
    ANTICHAMBRE_SECRET: 'a-long-enough-secret',
  });
  assert.notEqual(config, 'help');
  if (config === 'help') return;
  assert.equal(config.port, 9000);
  assert.equal(config.capacity, 0);
  assert.equal(config.admitPerMinute, 30);
  assert.equal(config.waitingTtlSeconds, 600);
  assert.equal(config.sessionTtlSeconds, 1800);
  assert.equal(config.admitGraceSeconds, 180);
  assert.deepEqual(config.corsOrigins, ['https://ent.example', 'https://b.example']);
  assert.equal(config.secret, 'a-long-enough-secret');
  assert.deepEqual(config.generated, { secret: false, adminToken: true, admissionKey: true });
  assert.equal(config.admissionKey.alg, 'ES256');
  assert.ok(config.adminToken.length >= 16);
  assert.equal(parseConfig(['--help'], {}), 'help');
});

test('the admission contract flags: --admission-ttl, --max-session, --gate-rooms', () => {
  const defaults = parseConfig([], {});
  assert.ok(defaults !== 'help');
  assert.equal(defaults.admissionTtlSeconds, 300);
  assert.equal(defaults.maxSessionSeconds, 36_000);
  assert.deepEqual(defaults.gateRooms, []);
  const given = parseConfig(['--admission-ttl', '60', '--max-session=28800', '--gate-rooms', 'college-a, lycee-b'], {});
  assert.ok(given !== 'help');
  assert.equal(given.admissionTtlSeconds, 60);
  assert.equal(given.maxSessionSeconds, 28_800);
  assert.deepEqual(given.gateRooms, ['college-a', 'lycee-b']);
  for (const [argv, message] of [
    [['--admission-ttl', '0'], /--admission-ttl must be at least 1/],
    [['--max-session', '10h'], /--max-session must be a whole number/],
    [['--gate-rooms', 'Collège A'], /--gate-rooms takes room ids/],
  ] as const) {
    assert.throws(() => parseConfig(argv, {}), (e) => e instanceof ConfigError && message.test(e.message));
  }
});

test('each bad value is refused with a message naming it', () => {
  const cases: [string[], Record<string, string>, RegExp][] = [
    [['--port', '70000'], {}, /--port must be at most 65535/],
    [['--capacity', 'lots'], {}, /--capacity must be a whole number, got "lots"/],
    [['--admit-per-minute', '0'], {}, /--admit-per-minute must be at least 1/],
    [['--waiting-ttl', '1.5'], {}, /--waiting-ttl/],
    [['--admit-grace', '0'], {}, /--admit-grace must be at least 1/],
    [['--cors-origin', 'ent.example'], {}, /--cors-origin/],
    [['--colour'], {}, /Unknown option '--colour'/],
    [['--demo'], {}, /--demo is gone from the server: `npm start` runs the demo/],
    [[], { PORT: 'http' }, /--port must be a whole number/],
    [[], { ANTICHAMBRE_ADMIN_TOKEN: 'admin' }, /ANTICHAMBRE_ADMIN_TOKEN must be at least 16 characters/],
  ];
  for (const [argv, env, message] of cases) assert.throws(() => parseConfig(argv, env), (e) => e instanceof ConfigError && message.test(e.message));
});

test('the CLI stops on a bad value with exit code 2 and one line, no stack trace', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/config/cli.ts', '--session-ttl=0'], { encoding: 'utf8', env: { ...process.env, PORT: '' } });
  assert.equal(run.status, 2);
  assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
  assert.match(run.stderr, /^antichambre: .*--session-ttl/);
  assert.doesNotMatch(run.stderr, /\bat .*\.ts:\d+/);
});

test('--help prints the usage and exits 0', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/config/cli.ts', '--help'], { encoding: 'utf8' });
  assert.equal(run.status, 0);
  assert.match(run.stdout, /--admit-per-minute/);
  assert.match(run.stdout, /ANTICHAMBRE_ADMIN_TOKEN/);
});

test('the admission key: ES256 from a PEM (one-line \\n too) or a JWK with its kid, HS256 from the secret; bad keys refused', async () => {
  const { generateKeyPairSync } = await import('node:crypto');
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const env = { ANTICHAMBRE_SECRET: 'a-long-enough-secret' };
  const fromPem = parseConfig([], { ...env, ANTICHAMBRE_JWT_PRIVATE_KEY: pem.replaceAll('\n', '\\n') });
  assert.ok(fromPem !== 'help' && fromPem.admissionKey.alg === 'ES256' && !fromPem.generated.admissionKey);
  const jwk = JSON.stringify({ ...privateKey.export({ format: 'jwk' }), kid: 'rentree-2026' });
  const fromJwk = parseConfig([], { ...env, ANTICHAMBRE_JWT_PRIVATE_KEY: jwk });
  assert.ok(fromJwk !== 'help' && fromJwk.admissionKey.kid === 'rentree-2026');
  assert.ok(fromJwk.admissionKey.jwks().keys[0]!.x === fromPem.admissionKey.jwks().keys[0]!.x, 'same key, same public part');
  const hs = parseConfig(['--jwt-alg', 'HS256'], env);
  assert.ok(hs !== 'help' && hs.admissionKey.alg === 'HS256' && hs.admissionKey.jwks().keys.length === 0);

  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cases: [string[], Record<string, string>, RegExp][] = [
    [['--jwt-alg', 'RS256'], {}, /--jwt-alg must be ES256 or HS256/],
    [[], { ANTICHAMBRE_JWT_PRIVATE_KEY: 'not a key' }, /ANTICHAMBRE_JWT_PRIVATE_KEY is neither a PEM private key nor a private JWK/],
    [[], { ANTICHAMBRE_JWT_PRIVATE_KEY: rsa }, /must be an EC P-256 private key/],
    [['--jwt-alg', 'HS256'], { ANTICHAMBRE_JWT_PRIVATE_KEY: pem }, /HS256 derives its key from ANTICHAMBRE_SECRET/],
    [['--join-limit=-1'], {}, /--join-limit must be a whole number/],
    [['--admission-cookie', 'a b'], {}, /--admission-cookie must be a cookie name/],
  ];
  for (const [argv, extra, message] of cases) {
    assert.throws(() => parseConfig(argv, { ...env, ...extra }), (e) => e instanceof ConfigError && message.test(e.message), message.source);
  }
});

test('the CLI announces a generated key pair and says several instances need one key', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--eval', `
    const { runCli } = await import('./src/server/config/cli.ts');
    const lines = [];
    const server = await runCli(['--port', '0', '--host', '127.0.0.1'], {}, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
    await server.close();
    console.log(lines.join('\\n'));
  `], { encoding: 'utf8', input: '' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /admission tokens ES256 \(kid [\w-]{43}\)/);
  assert.match(run.stdout, /\/api\/v1\/\.well-known\/jwks\.json/);
  assert.match(run.stdout, /ANTICHAMBRE_JWT_PRIVATE_KEY is unset: generated an ES256 key pair/);
  assert.match(run.stdout, /several instances must share one key/);
  assert.match(run.stdout, /--cors-origin is \*: any web site can make its visitors join/, 'the open default is said at start');
});
