import { test } from 'node:test';
import assert from 'node:assert/strict';
import { is } from 'valibot';
import { makeJoinKey } from '../../../src/core/wait/join-key.js';
import { JoinKeySchema } from '../../../src/core/protocol/protocol.js';

test('join keys are accepted by the protocol and differ every time', () => {
  const a = makeJoinKey();
  const b = makeJoinKey();
  assert.ok(is(JoinKeySchema, a), a);
  assert.notEqual(a, b);
});

test('join keys come from the injected random bytes', () => {
  const zeros = makeJoinKey((bytes) => bytes.fill(0));
  assert.equal(zeros, '0'.repeat(64));
  assert.equal(makeJoinKey((bytes) => bytes.fill(171)), 'ab'.repeat(32));
});
