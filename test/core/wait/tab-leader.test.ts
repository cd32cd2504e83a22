import { test } from 'node:test';
import assert from 'node:assert/strict';
import { electLeader } from '../../../src/core/wait/tab-leader.js';
import { FakeLocks } from './fake-tabs.js';
import { settle } from '../../support/fakes.js';

const LOCK = 'antichambre:lead:test';

function tabs(locks: FakeLocks, count: number) {
  return Array.from({ length: count }, (_, tab) => {
    const changes: boolean[] = [];
    const election = electLeader(locks.forTab(tab), LOCK, (leading) => changes.push(leading));
    return { tab, changes, election, get leading() { return changes.at(-1) === true; } };
  });
}

test('one tab leads; when it closes, the next tab in line leads', async () => {
  const locks = new FakeLocks();
  const [first, second, third] = tabs(locks, 3);
  await settle();
  assert.deepEqual([first!.leading, second!.leading, third!.leading], [true, false, false]);
  locks.closeTab(0);
  await settle();
  assert.deepEqual([second!.leading, third!.leading], [true, false]);
  assert.equal(locks.holder(LOCK), 1);
});

test('close() gives the lead to the next tab and reports nothing more', async () => {
  const locks = new FakeLocks();
  const [first, second] = tabs(locks, 2);
  await settle();
  first!.election.close();
  await settle();
  assert.deepEqual(first!.changes, [true], 'no "lost the lead" after leaving');
  assert.equal(second!.leading, true);
  second!.election.close();
  await settle();
  assert.equal(locks.holder(LOCK), undefined);
});

test('claim() takes the lead at once; the old leader follows and waits in line again', async () => {
  const locks = new FakeLocks();
  const [first, second, third] = tabs(locks, 3);
  await settle();
  third!.election.claim();
  await settle();
  assert.deepEqual(first!.changes, [true, false]);
  assert.equal(third!.leading, true);
  assert.equal(second!.leading, false);
  first!.election.claim(); // the old leader may claim back; a leader's own claim does nothing
  third!.election.claim();
  await settle();
  assert.equal(first!.leading, true);
  assert.equal(locks.holder(LOCK), 0);
  locks.closeTab(0);
  await settle();
  assert.equal([second!, third!].filter((t) => t.leading).length, 1, 'exactly one leader after the handover');
});
