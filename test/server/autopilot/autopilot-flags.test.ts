import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig, ConfigError, type ServerConfig } from '../../../src/server/config/config.js';

test('--autopilot-* flags turn the autopilot on for one room, within the bounds given', () => {
  const config = parseConfig(
    ['--autopilot-room', 'college-a', '--autopilot-target-ms', '800', '--autopilot-capacity', '200-4000', '--autopilot-admit-per-minute', '60-900', '--autopilot-probe-url', 'https://ent.example/probe'],
    {},
  ) as ServerConfig;
  assert.deepEqual(config.autopilot, {
    room: 'college-a',
    on: true,
    targetMs: 800,
    probeUrl: 'https://ent.example/probe',
    minCapacity: 200,
    maxCapacity: 4000,
    minAdmitPerMinute: 60,
    maxAdmitPerMinute: 900,
  });
  assert.equal((parseConfig([], {}) as ServerConfig).autopilot, undefined);
});

test('a wrong autopilot flag stops the start with one line that says what to write', () => {
  assert.throws(() => parseConfig(['--autopilot-room', 'a', '--autopilot-capacity', '5000-100'], {}), (e: Error) => e instanceof ConfigError && /minCapacity must not exceed maxCapacity/.test(e.message));
  assert.throws(() => parseConfig(['--autopilot-capacity', '1-2'], {}), /needs --autopilot-room/);
  assert.throws(() => parseConfig(['--autopilot-room', 'a', '--autopilot-admit-per-minute', 'lots'], {}), /takes MIN-MAX/);
});
