import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FloodRule } from '../../../src/server/defence/flood-rule.js';
import { powMaxnumber, BASE_POW_MAXNUMBER, POW_MAX_FACTOR } from '../../../src/server/defence/join-pow.js';

const T0 = 1_000_000;

test("a school's bell is not a flood: 100 joins from one address in a minute, and a surge of 12× the admission rate", () => {
  const rule = new FloodRule();
  for (let i = 0; i < 100; i++) assert.equal(rule.record('r', 'school-nat', 1350, T0 + i * 500).flooded, false);
  // The national morning's peak: ~16,000 joins a minute from as many homes, for 1,350 admissions a minute.
  for (let i = 0; i < 16_000; i++) assert.equal(rule.record('r', `home-${i}`, 1350, T0 + 50_000 + i * 3.75).flooded, false, `join ${i}`);
});

test('one address beyond 100 joins in a sliding minute floods the room, for 15 minutes after the last sign', () => {
  const rule = new FloodRule();
  // 60 joins late in one window and 41 early in the next: a fixed window would count 41, the sliding one ~101.
  for (let i = 0; i < 60; i++) rule.record('r', 'bot', 1350, T0 + 50_000 + i * 100);
  let reading = { flooded: false, addressJoins: 0 };
  for (let i = 0; i < 45; i++) reading = rule.record('r', 'bot', 1350, T0 + 60_000 + i * 10);
  assert.equal(reading.flooded, true);
  assert.ok(reading.addressJoins > 100);
  assert.equal(rule.flooded('other-room', T0 + 61_000), false, 'only that room');
  assert.equal(rule.flooded('r', T0 + 60_440 + 15 * 60_000 - 1), true);
  assert.equal(rule.flooded('r', T0 + 60_440 + 15 * 60_000 + 1), false);
});

test('joins beyond 20× the admission rate flood the room even from distinct addresses', () => {
  const rule = new FloodRule();
  let flooded = false;
  for (let i = 0; i < 2_001 && !flooded; i++) flooded = rule.record('r', `a-${i}`, 100, T0 + i * 20).flooded;
  assert.equal(flooded, true);
  assert.equal(new FloodRule().record('r', 'a', 100, T0).flooded, false);
});

test('an address is counted over the last minute only', () => {
  const rule = new FloodRule();
  for (let i = 0; i < 50; i++) rule.record('r', 'nat', 1350, T0 + i);
  assert.equal(rule.addressJoins('r', 'nat', T0 + 1000), 50);
  assert.equal(rule.addressJoins('r', 'nat', T0 + 90_000), 25, 'half of the previous window still overlaps');
  assert.equal(rule.addressJoins('r', 'nat', T0 + 200_000), 0);
  assert.equal(rule.record('r', 'nat', 1350, T0 + 200_000).addressJoins, 1);
});

test('challenges get harder with an address’s joins in the window, up to a cap', () => {
  assert.equal(powMaxnumber(1), BASE_POW_MAXNUMBER);
  assert.equal(powMaxnumber(30), BASE_POW_MAXNUMBER);
  assert.equal(powMaxnumber(31), 2 * BASE_POW_MAXNUMBER);
  assert.equal(powMaxnumber(10_000), POW_MAX_FACTOR * BASE_POW_MAXNUMBER);
});

test('rooms nobody joins any more are forgotten, so junk rooms do not stay in memory; a raised room is kept while raised', () => {
  const rule = new FloodRule();
  for (let i = 0; i < 1000; i++) rule.record(`junk-${i}`, '203.0.113.9', 60, 0);
  for (let i = 0; i < 101; i++) rule.record('flooded', '198.51.100.1', 60, 0);
  assert.equal(rule.size, 1001);
  // Two windows later, a join in another room sweeps the stale ones; the flooded room is still held.
  rule.record('fresh', '192.0.2.1', 60, 2 * 60_000);
  assert.equal(rule.size, 2);
  assert.equal(rule.flooded('flooded', 2 * 60_000), true);
  rule.record('fresher', '192.0.2.1', 60, 16 * 60_000);
  assert.equal(rule.flooded('flooded', 16 * 60_000), false);
  assert.equal(rule.size, 1, 'only the room joined just now is left');
});
