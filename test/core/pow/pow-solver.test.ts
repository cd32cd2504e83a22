import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { is } from 'valibot';
import { searchPow } from '../../../src/core/pow/pow-search.js';
import { solvePow } from '../../../src/core/pow/pow-solver.js';
import { isPowChallenge } from '../../../src/core/pow/pow-guards.js';
import { PowChallengeSchema, type PowChallenge, type PowSolution, type TicketStatus } from '../../../src/core/protocol/protocol.js';
import { WaitingRoom, type WaitingRoomSnapshot } from '../../../src/core/wait/waiting-room.js';
import { createTicketStore, memoryBackend } from '../../../src/core/wait/ticket-store.js';
import type { QueueClient, QueueOutcome } from '../../../src/core/wait/queue-client.js';
import { PowChallenges } from '../../../src/server/defence/pow-challenges.js';
import { FakeClock, ok, status } from '../../support/fakes.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

test('searchPow finds what node:crypto hashed, for salts ending anywhere in a 64-byte block', () => {
  // Salt + number + padding crosses into a second block from 56 bytes: every length from 40 to 140.
  for (let length = 40; length <= 140; length += 3) {
    const salt = 'a'.repeat(length - 20) + '?room=r&key=k1234&';
    const number = (length * 7919) % 5000;
    assert.equal(searchPow(salt, sha256(salt + number), 0, 5001), number, `salt of ${salt.length} characters`);
  }
  assert.equal(searchPow('salt&', sha256('salt&42'), 43, 1000), -1, 'outside the range: none');
});

test("solvePow (no Worker in Node: the page's time-sliced search) solves a server challenge that the server accepts", async () => {
  const server = new PowChallenges({ secret: 'core-test-secret' });
  const key = 'k'.repeat(24);
  const challenge = await server.issue('college-a', key, 20_000, Date.now());
  const solution = await solvePow(challenge, undefined, { sliceTries: 1000 });
  assert.equal(await server.verify(solution, 'college-a', key, Date.now()), 'ok');
  await assert.rejects(solvePow({ ...challenge, algorithm: 'SHA-1' }), /malformed/);
  const controller = new AbortController();
  controller.abort(new Error('stopped'));
  await assert.rejects(solvePow(challenge, controller.signal), /stopped/);
});

test('a worker that fails to start (CSP refusal) falls back to the page', async () => {
  const challenge = (await new PowChallenges({ secret: 's' }).issue('r', 'k'.repeat(20), 3000, Date.now())) as PowChallenge;
  const solution = await solvePow(challenge, undefined, {
    workers: [
      () => {
        throw new Error('worker-src refused');
      },
    ],
  });
  assert.equal(sha256(solution.salt + solution.number), challenge.challenge);
});

test('isPowChallenge accepts and refuses exactly what PowChallengeSchema does', () => {
  const good = { algorithm: 'SHA-256', challenge: 'a'.repeat(64), maxnumber: 300_000, salt: 'abc?room=r&', signature: 'b'.repeat(64) };
  const samples: unknown[] = [
    good,
    { ...good, extra: 1 },
    null,
    'challenge',
    ...(
      [
        ['algorithm', 'SHA-1'],
        ['challenge', 'A'.repeat(64)],
        ['challenge', 'a'.repeat(63)],
        ['maxnumber', 0],
        ['maxnumber', 1.5],
        ['maxnumber', 1e9 + 1],
        ['maxnumber', '300000'],
        ['salt', ''],
        ['salt', 's'.repeat(513)],
        ['signature', 42],
      ] as const
    ).map(([field, value]) => ({ ...good, [field]: value })),
  ];
  for (const sample of samples) assert.equal(isPowChallenge(sample), is(PowChallengeSchema, sample), JSON.stringify(sample)?.slice(0, 120));
});

test('the waiting room: a 428 challenge → phase "verifying" → the same key joins with the solution; a held ticket never solves', async () => {
  const server = new PowChallenges({ secret: 'core-test-secret' });
  const calls: Array<{ key: string; pow?: PowSolution }> = [];
  const joinedStatus: TicketStatus = status({ ticket: 'cred-1' });
  const client: QueueClient = {
    async join(key, _signal, pow) {
      calls.push({ key, pow });
      if (pow && (await server.verify(pow, 'college-test', key, Date.now())) === 'ok') return ok(joinedStatus, 201);
      const challenge = await server.issue('college-test', key, 5000, Date.now());
      return { kind: 'rejected', httpStatus: 428, serverCode: 'pow-required', pow: challenge } satisfies QueueOutcome<TicketStatus>;
    },
    status: async () => ok(status()),
  };
  const clock = new FakeClock();
  const store = createTicketStore('https://file.example/api/v1', 'college-test', { backend: memoryBackend(), now: clock.now });
  const phases: WaitingRoomSnapshot['phase'][] = [];
  const endpoint = 'https://file.example/api/v1';
  const room = new WaitingRoom({ endpoint, room: 'college-test', client, store, clock, random: () => 0.5, onChange: (s) => phases.push(s.phase) });
  room.start();
  for (let i = 0; i < 200 && phases.at(-1) !== 'waiting'; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(phases.slice(0, 3), ['joining', 'verifying', 'waiting']);
  assert.equal(calls.length, 2);
  assert.equal(calls[1].key, calls[0].key, 'the same key');
  assert.ok(calls[1].pow);
  assert.equal((await store.read())?.ticket, 'cred-1');
  room.stop();

  // Started again with the stored ticket (a reload): status only, no join, no proof.
  phases.length = 0;
  room.start();
  for (let i = 0; i < 20 && phases.at(-1) !== 'waiting'; i++) await clock.advance(1000);
  assert.equal(calls.length, 2);
  assert.ok(!phases.includes('verifying'));
  room.stop();
});
