import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WaitingRoom, type WaitingRoomOptions, type WaitingRoomSnapshot } from '../../../src/core/wait/waiting-room.js';
import { createTicketStore, memoryBackend, type KeyValueBackend } from '../../../src/core/wait/ticket-store.js';
import type { QueueOutcome } from '../../../src/core/wait/queue-client.js';
import type { TicketStatus } from '../../../src/core/protocol/protocol.js';
import { FakeClock, ok, ScriptedClient, status } from '../../support/fakes.js';

const endpoint = 'https://file.ent.example/api/v1';
const room = 'college-test';
const admission = { token: 'jwt.token.here', expiresAt: '2099-01-01T00:00:00.000Z' };
const joined = (over: Partial<TicketStatus> = {}) => ok(status({ ticket: 'cred-1', ...over }), 201);
const NETWORK: QueueOutcome<TicketStatus> = { kind: 'network' };

function setup(client: ScriptedClient, extra: Partial<WaitingRoomOptions> & { backend?: KeyValueBackend } = {}) {
  const clock = new FakeClock();
  const backend = extra.backend ?? memoryBackend();
  const store = createTicketStore(endpoint, room, { backend, now: clock.now });
  const snapshots: WaitingRoomSnapshot[] = [];
  const warnings: string[] = [];
  let keys = 0;
  const waitingRoom = new WaitingRoom({
    endpoint,
    room,
    client,
    store,
    clock,
    random: () => 0.5,
    makeKey: () => `key-${++keys}`.padEnd(32, 'x'),
    warn: (m) => warnings.push(m),
    onChange: (s) => snapshots.push(s),
    ...extra,
  });
  const last = () => snapshots[snapshots.length - 1];
  return { clock, store, backend, waitingRoom, snapshots, warnings, last };
}

test('joins, stores the ticket, then polls on the server pace', async () => {
  const client = new ScriptedClient([joined()], [ok(status({ position: 4, ahead: 3 }))]);
  const { clock, store, waitingRoom, last } = setup(client);
  waitingRoom.start();
  await clock.advance(0);
  assert.equal(last().phase, 'waiting');
  assert.equal(last().status?.position, 5);
  assert.equal(last().joinPosition, 5);
  const { last: kept, ...stored } = (await store.read())!;
  assert.deepEqual(stored, { key: 'key-1'.padEnd(32, 'x'), id: 'ticket-0001', ticket: 'cred-1', joinPosition: 5, updatedAt: clock.time });
  assert.equal((kept as { position?: number } | undefined)?.position, 5, 'the last status is kept with the ticket, for a reload');
  await clock.advance(4_999);
  assert.equal(client.count('status'), 0, 'pollAfterMs 5000 is respected (random 0.5 → no jitter)');
  await clock.advance(1);
  assert.equal(client.count('status'), 1);
  assert.equal(last().status?.position, 4);
  assert.equal(last().joinPosition, 5, 'progress keeps the join position');
  waitingRoom.stop();
});

test('the key is stored before the first join, so a retried join reuses it', async () => {
  const client = new ScriptedClient(['hang', joined()], [ok(status())]);
  const { clock, waitingRoom, last } = setup(client);
  waitingRoom.start();
  await clock.advance(9_999);
  assert.equal(last().phase, 'joining');
  await clock.advance(1);
  assert.equal(last().phase, 'reconnecting', 'a join unanswered after 10 s is given up');
  assert.equal(last().code, 'timeout');
  await clock.advance(60_000);
  assert.deepEqual(client.calls.slice(0, 2).map((c) => c.key), ['key-1'.padEnd(32, 'x'), 'key-1'.padEnd(32, 'x')]);
  assert.equal(last().phase, 'waiting');
  waitingRoom.stop();
});

test('admitted at once: stores the admission and stops polling', async () => {
  const client = new ScriptedClient([joined({ state: 'admitted', position: null, ahead: 0, admission })]);
  const { clock, store, waitingRoom, last } = setup(client);
  waitingRoom.start();
  await clock.advance(600_000);
  assert.equal(last().phase, 'admitted');
  assert.deepEqual(last().admission, admission);
  assert.equal(client.calls.length, 1);
  assert.deepEqual((await store.read())?.admission, admission);
});

test('a reload resumes the stored ticket instead of joining again', async () => {
  const backend = memoryBackend();
  const first = setup(new ScriptedClient([joined()]), { backend });
  first.waitingRoom.start();
  await first.clock.advance(0);
  first.waitingRoom.stop();

  const client = new ScriptedClient([joined({ id: 'ticket-9999' })], [ok(status({ position: 3 }))]);
  const second = setup(client, { backend });
  second.waitingRoom.start();
  await second.clock.advance(0);
  assert.equal(client.calls.length, 0, 'a reload does not ask at once: a crowd reloading together spreads out');
  await second.clock.advance(5_000);
  assert.equal(client.count('join'), 0);
  assert.deepEqual(client.calls[0], { op: 'status', id: 'ticket-0001', ticket: 'cred-1' });
  assert.equal(second.last().status?.position, 3);
  second.waitingRoom.stop();
});

test('a valid stored admission is honoured without any request', async () => {
  const backend = memoryBackend();
  const store = createTicketStore(endpoint, room, { backend });
  await store.ensure(() => 'k'.repeat(32));
  await store.save('k'.repeat(32), { id: 'ticket-0001', ticket: 'cred', admission });
  const client = new ScriptedClient([NETWORK]);
  const { clock, waitingRoom, last } = setup(client, { backend });
  waitingRoom.start();
  await clock.advance(0);
  assert.equal(last().phase, 'admitted');
  assert.equal(client.calls.length, 0);
});

test('failures, malformed answers and throttling never lose the ticket', async () => {
  const client = new ScriptedClient(
    [joined()],
    [
      NETWORK,
      { kind: 'invalid-response', httpStatus: 200 },
      { kind: 'server-error', httpStatus: 500 },
      { kind: 'throttled', httpStatus: 503, retryAfterMs: 30_000 },
      ok(status({ position: 2 })),
    ],
  );
  const { clock, store, waitingRoom, snapshots, last } = setup(client);
  waitingRoom.start();
  await clock.advance(5_000);
  assert.equal(last().phase, 'reconnecting');
  assert.equal(last().code, 'network');
  assert.equal(last().status?.position, 5, 'last known position is still shown');
  // From the second failure on, retries are throttled to one every 2.4–3 min (scheduler retry budget).
  await clock.advance(720_000);
  const codes = snapshots.map((s) => s.code).filter(Boolean);
  assert.deepEqual(codes, ['network', 'invalid-response', 'server-error', 'throttled']);
  const throttled = snapshots.find((s) => s.code === 'throttled')!;
  assert.equal(throttled.failures, 4, 'consecutive failures are counted');
  assert.equal(last().phase, 'waiting');
  assert.equal(last().failures, 0);
  assert.equal((await store.read())?.ticket, 'cred-1');
  assert.equal(client.count('join'), 1);
  waitingRoom.stop();
});

test('Retry-After is honoured: no request before it', async () => {
  const client = new ScriptedClient([{ kind: 'throttled', httpStatus: 429, retryAfterMs: 20_000 }, joined()]);
  const { clock, waitingRoom, last } = setup(client);
  waitingRoom.start();
  await clock.advance(0);
  assert.equal(last().retryAt, clock.time + 22_000, '20 s + 10 % jitter at random 0.5');
  await clock.advance(21_999);
  assert.equal(client.count('join'), 1);
  await clock.advance(1);
  assert.equal(client.count('join'), 2);
  waitingRoom.stop();
});

for (const [outcome, code] of [
  [{ kind: 'expired', httpStatus: 410 }, 'ticket-expired'],
  [{ kind: 'expired', httpStatus: 410, serverCode: 'admission-unclaimed' }, 'admission-unclaimed'],
  [{ kind: 'unauthorized', httpStatus: 401 }, 'credential-rejected'],
  [{ kind: 'not-found', httpStatus: 404, serverCode: 'ticket-not-found' }, 'ticket-not-found'],
  [ok(status({ state: 'released', position: null })), 'ticket-released'],
] as const) {
  test(`the server ending the ticket (${code}) clears it and offers to rejoin with a new key`, async () => {
    const client = new ScriptedClient([joined()], [outcome]);
    const { clock, store, waitingRoom, last } = setup(client);
    waitingRoom.start();
    await clock.advance(600_000);
    assert.equal(last().phase, 'expired');
    assert.equal(last().code, code);
    assert.equal(await store.read(), undefined);
    assert.equal(client.calls.length, 2, 'no more requests until the pupil asks');

    client.joins = [joined({ id: 'ticket-0002', ticket: 'cred-2' })];
    await waitingRoom.rejoin();
    await clock.advance(0);
    assert.equal(client.calls[2].key, 'key-2'.padEnd(32, 'x'));
    assert.equal(last().phase, 'waiting');
    assert.equal(last().ticketId, 'ticket-0002');
    waitingRoom.stop();
  });
}

test("a proxy's 404 (no server code) keeps the ticket and retries", async () => {
  const client = new ScriptedClient([joined()], [{ kind: 'not-found', httpStatus: 404 }, ok(status())]);
  const { clock, store, waitingRoom, last } = setup(client);
  waitingRoom.start();
  await clock.advance(5_000);
  assert.equal(last().phase, 'error');
  assert.equal((await store.read())?.ticket, 'cred-1');
  await clock.advance(5_000);
  assert.equal(last().phase, 'waiting');
  waitingRoom.stop();
});

test('an expired ticket of a past session rejoins silently', async () => {
  const backend = memoryBackend();
  const store = createTicketStore(endpoint, room, { backend });
  await store.ensure(() => 'old'.padEnd(32, 'x'));
  await store.save('old'.padEnd(32, 'x'), { id: 'ticket-old1', ticket: 'old', admission: { token: 't', expiresAt: '2020-01-01T00:00:00.000Z' } });
  const client = new ScriptedClient([joined({ id: 'ticket-0002' })], [{ kind: 'expired', httpStatus: 410 }]);
  const { clock, waitingRoom, snapshots, last } = setup(client, { backend });
  waitingRoom.start();
  await clock.advance(5_000);
  assert.ok(!snapshots.some((s) => s.phase === 'expired'));
  assert.equal(last().phase, 'waiting');
  assert.equal(last().ticketId, 'ticket-0002');
  waitingRoom.stop();
});

test('when-unreachable="open": a queue API that never answered lets the pupil through after 4 tries', async () => {
  const client = new ScriptedClient([NETWORK]);
  const { clock, waitingRoom, warnings, last } = setup(client, { whenUnreachable: 'open' });
  waitingRoom.start();
  await clock.advance(600_000);
  assert.equal(last().phase, 'unreachable-open');
  assert.equal(client.calls.length, 4);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /queue API unreachable, pupil let in/);
});

test('when-unreachable="wait" keeps retrying and says the API is unreachable', async () => {
  const client = new ScriptedClient([NETWORK]);
  const { clock, waitingRoom, last } = setup(client);
  waitingRoom.start();
  await clock.advance(600_000);
  assert.equal(last().phase, 'reconnecting');
  assert.equal(last().code, 'queue-unreachable');
  assert.ok(client.calls.length > 4 && client.calls.length < 30, `${client.calls.length} tries in 10 min: backoff, no busy loop`);
  waitingRoom.stop();
});

test('"open" does not apply once the API has answered: an outage mid-wait keeps the pupil waiting', async () => {
  const client = new ScriptedClient([joined()], [NETWORK]);
  const { clock, waitingRoom, last } = setup(client, { whenUnreachable: 'open' });
  waitingRoom.start();
  await clock.advance(600_000);
  assert.equal(last().phase, 'reconnecting');
  assert.equal(last().code, 'network');
  waitingRoom.stop();
});

test('stop() ends the loop: no timer left, no late snapshot', async () => {
  let release!: (o: QueueOutcome<TicketStatus>) => void;
  const client = new ScriptedClient([joined()]);
  client.join = () => new Promise((resolve) => (release = resolve));
  const { clock, waitingRoom, snapshots } = setup(client);
  waitingRoom.start();
  await clock.advance(0);
  const seen = snapshots.length;
  waitingRoom.stop();
  release(joined());
  await clock.advance(600_000);
  assert.equal(snapshots.length, seen, 'the stale join answer is dropped');
  assert.equal(clock.pending, 0);
});

test('retryAt is when the scheduler really asks again', async () => {
  const client = new ScriptedClient([joined()], [NETWORK, NETWORK, ok(status({ position: 4 }))]);
  const { clock, waitingRoom, last } = setup(client);
  waitingRoom.start();
  await clock.advance(5_000);
  for (let call = 2; call <= 3; call += 1) {
    const { retryAt } = last();
    assert.equal(last().phase, 'reconnecting');
    await clock.advance(retryAt! - clock.time - 1);
    assert.equal(client.calls.length, call, 'not a millisecond early');
    await clock.advance(1);
    assert.equal(client.calls.length, call + 1);
  }
  assert.equal(last().phase, 'waiting');
  waitingRoom.stop();
});

test('offline pauses every request and says so without a countdown; online resumes, jittered', async () => {
  const client = new ScriptedClient([joined()], [ok(status({ position: 4 }))]);
  const { clock, waitingRoom, snapshots, last } = setup(client);
  waitingRoom.start();
  await clock.advance(0);
  waitingRoom.setOnline(false);
  assert.equal(last().phase, 'reconnecting');
  assert.equal(last().code, 'network');
  assert.equal(last().retryAt, undefined, 'no retry time while the device is offline');
  assert.equal(last().status?.position, 5, 'the place is still shown');
  await clock.advance(30 * 60_000);
  assert.equal(client.calls.length, 1, 'nothing is sent while offline');
  assert.equal(snapshots.filter((s) => s.failures > 0).length, 0, 'being offline is not a failure of the server');

  waitingRoom.setOnline(true);
  const { retryAt } = last();
  assert.ok(retryAt! > clock.time && retryAt! <= clock.time + 5_000, 'resumes within one interval');
  await clock.advance(retryAt! - clock.time);
  assert.equal(client.count('status'), 1);
  assert.equal(last().phase, 'waiting');
  assert.equal(last().status?.position, 4);
  waitingRoom.stop();
});

test('offline at start: no join until the device is back online', async () => {
  const client = new ScriptedClient([joined()]);
  const { clock, waitingRoom, last } = setup(client, { online: false });
  waitingRoom.start();
  await clock.advance(60_000);
  assert.equal(client.calls.length, 0);
  assert.equal(last().phase, 'reconnecting');
  waitingRoom.setOnline(true);
  await clock.advance(2_000);
  assert.equal(last().phase, 'waiting');
  waitingRoom.stop();
});

test('a hidden tab polls no more often than the server asks', async () => {
  const client = new ScriptedClient([joined({ pollAfterMs: 10_000 })], [ok(status({ pollAfterMs: 10_000 }))]);
  const { clock, waitingRoom } = setup(client, { visible: false, random: () => 0 });
  waitingRoom.start();
  await clock.advance(9_999);
  assert.equal(client.count('status'), 0, 'visible, random 0 would have asked after 8 s');
  await clock.advance(1);
  assert.equal(client.count('status'), 1);
  waitingRoom.setVisible(true);
  await clock.advance(10_000);
  assert.equal(client.count('status'), 2);
  await clock.advance(8_000);
  assert.equal(client.count('status'), 3, 'visible again: the usual ±20 % applies');
  waitingRoom.stop();
});

test('a restart shows the kept status at once, while joining, until the server answers', async () => {
  const client = new ScriptedClient([joined({ pollAfterMs: 60_000 })], ['hang']);
  const { clock, store, waitingRoom } = setup(client);
  waitingRoom.start();
  await clock.advance(0);
  waitingRoom.stop();
  const again = setup(client, { store });
  again.waitingRoom.start();
  await again.clock.advance(0);
  assert.equal(again.last().phase, 'joining');
  assert.equal(again.last().kept?.position, 5, 'the last known position, from storage');
  assert.equal(again.last().status, undefined, 'not a status of this run');
  assert.equal(again.last().lastUpdate, clock.time, 'with the time it was stored');
  again.waitingRoom.stop();
});

test('an admission already followed (back from the gate) is asked again instead of honoured from storage, then left alone', async () => {
  const client = new ScriptedClient([], [ok(status({ state: 'admitted', position: null, ahead: 0, admission, pollAfterMs: 5_000 })), ok(status({ state: 'released', position: null, ahead: 0 }))]);
  const { clock, store, waitingRoom, last } = setup(client);
  await store.ensure(() => 'k'.repeat(32));
  await store.save('k'.repeat(32), { id: 'ticket-0001', ticket: 'cred', admission });
  assert.equal(await store.follow('ticket-0001'), undefined, 'the first claim goes');
  assert.equal(typeof (await store.follow('ticket-0001')), 'number', 'the second is told when the first was');
  waitingRoom.start();
  await clock.advance(6_000);
  assert.equal(client.count('status'), 1, 'asked the server rather than trust the stored admission');
  assert.equal(last().phase, 'admitted');
  // Then quiet: every admitted poll is a sign of life, so a waiting page left open after a bounce or the
  // Back button would hold the seat for the whole school day; <antichambre-session> keeps active pupils'.
  await clock.advance(10 * 60_000);
  assert.equal(client.count('status'), 1, 'no poll keeps the seat of a page nobody uses');
  assert.equal(last().phase, 'admitted');
  waitingRoom.stop();
});

test('back from the gate with a seat that has ended: the first answer starts a fresh wait, not "expired"', async () => {
  const client = new ScriptedClient([], [ok(status({ state: 'released', position: null, ahead: 0 }))]);
  const { clock, store, waitingRoom, last } = setup(client);
  await store.ensure(() => 'k'.repeat(32));
  await store.save('k'.repeat(32), { id: 'ticket-0001', ticket: 'cred', admission });
  await store.follow('ticket-0001');
  waitingRoom.start();
  await clock.advance(6_000);
  assert.equal(client.count('status'), 1);
  assert.notEqual((await store.read())?.id, 'ticket-0001', 'a fresh wait begins');
  assert.notEqual(last().phase, 'expired');
  waitingRoom.stop();
});

test('an admission already over by the server clock keeps the poll going until a live one comes', async () => {
  const serverTime = '2026-01-05T07:55:00.000Z';
  const dead = { token: 'dead', expiresAt: '2026-01-05T07:54:00.000Z' };
  const admitted = (a: typeof admission) => ok(status({ state: 'admitted', position: null, ahead: 0, admission: a, serverTime, pollAfterMs: 5_000 }));
  const client = new ScriptedClient([joined({ state: 'admitted', position: null, ahead: 0, admission: dead, serverTime })], [admitted(dead), admitted({ ...admission, expiresAt: '2026-01-05T08:00:00.000Z' })]);
  const { clock, waitingRoom, last } = setup(client);
  waitingRoom.start();
  await clock.advance(20_000);
  assert.equal(client.count('status'), 2, 'polled on after each dead admission, and stopped after the live one');
  assert.equal(last().admission?.token, admission.token);
  await clock.advance(60_000);
  assert.equal(client.count('status'), 2);
  waitingRoom.stop();
});

test('a kept status of another shape (another version wrote it) is not shown, and the ticket is kept', async () => {
  const client = new ScriptedClient([], ['hang']);
  const { clock, store, waitingRoom, last } = setup(client);
  await store.ensure(() => 'k'.repeat(32));
  await store.save('k'.repeat(32), { id: 'ticket-0001', ticket: 'cred', last: { position: 'three' } });
  waitingRoom.start();
  await clock.advance(0);
  assert.equal(last().phase, 'joining');
  assert.equal(last().ticketId, 'ticket-0001', 'the same ticket resumes');
  assert.equal(last().kept, undefined);
  waitingRoom.stop();
});
