import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTicketStore, memoryBackend, type KeyValueBackend } from '../../../src/core/wait/ticket-store.js';

const endpoint = 'https://file.ent.example/api/v1';
const key = 'k'.repeat(32);

test('a key is made and stored before anything else, then reused', async () => {
  const backend = memoryBackend();
  let made = 0;
  const makeKey = () => (made++, key);
  const first = await createTicketStore(endpoint, 'room-a', { backend, now: () => 1 }).ensure(makeKey);
  const again = await createTicketStore(endpoint + '/', 'room-a', { backend }).ensure(makeKey);
  assert.deepEqual(first, { key, updatedAt: 1 });
  assert.equal(again.key, key, 'trailing slash in endpoint does not matter');
  assert.equal(made, 1);
});

test('tickets are kept per endpoint + room', async () => {
  const backend = memoryBackend();
  await createTicketStore(endpoint, 'room-a', { backend }).ensure(() => key);
  assert.equal(await createTicketStore(endpoint, 'room-b', { backend }).read(), undefined);
  assert.equal(await createTicketStore('https://other.example/api', 'room-a', { backend }).read(), undefined);
});

test('save merges, clear forgets; both ignore a ticket stored under another key', async () => {
  const store = createTicketStore(endpoint, 'room-a', { backend: memoryBackend(), now: () => 2 });
  await store.ensure(() => key);
  await store.save(key, { id: 'ticket-0001', ticket: 'cred', joinPosition: 12 });
  assert.deepEqual(await store.read(), { key, id: 'ticket-0001', ticket: 'cred', joinPosition: 12, updatedAt: 2 });
  await store.save('x'.repeat(32), { ticket: 'other' });
  await store.clear('x'.repeat(32));
  assert.equal((await store.read())?.ticket, 'cred');
  await store.clear(key);
  assert.equal(await store.read(), undefined);
});

test('corrupt stored data is treated as no ticket', async () => {
  const map = new Map<string, unknown>([[`${endpoint}|room-a`, { key: 'short', updatedAt: 'yesterday' }]]);
  const store = createTicketStore(endpoint, 'room-a', { backend: memoryBackend(map) });
  assert.equal(await store.read(), undefined);
  assert.equal((await store.ensure(() => key)).key, key);
});

test('when IndexedDB throws, tickets live in memory and the console says so once', async () => {
  const broken: KeyValueBackend = {
    get: () => Promise.reject(new Error('InvalidStateError')),
    update: () => Promise.reject(new Error('InvalidStateError')),
  };
  const warnings: string[] = [];
  const fallback = { backend: memoryBackend(), warned: false };
  const options = { backend: broken, warn: (m: string) => warnings.push(m), fallback };
  const store = createTicketStore(endpoint, 'room-a', options);
  await store.ensure(() => key);
  await store.save(key, { id: 'ticket-0001' });
  const other = createTicketStore(endpoint, 'room-a', options);
  assert.equal((await other.read())?.id, 'ticket-0001', 'a second store of the page sees the same ticket');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /IndexedDB/);
});

test('follow claims the one navigation of a ticket, atomically: later calls learn when it was', async () => {
  let now = 10;
  const backend = memoryBackend();
  const tab1 = createTicketStore(endpoint, 'room-a', { backend, now: () => now });
  const tab2 = createTicketStore(endpoint, 'room-a', { backend, now: () => now });
  await tab1.ensure(() => key);
  await tab1.save(key, { id: 'ticket-0001', ticket: 'cred' });
  const claims = await Promise.all([tab1.follow('ticket-0001'), tab2.follow('ticket-0001')]);
  assert.deepEqual(claims, [undefined, 10], 'one tab goes, the other is told');
  now = 99;
  assert.equal(await tab2.follow('ticket-0001'), 10, 'the first time stays');
  assert.equal((await tab1.read())?.followedAt, 10);
  assert.equal(await tab1.follow('ticket-other'), undefined, 'another ticket (not stored) is not blocked');
  assert.equal((await tab1.read())?.followedAt, 10);
});

test('a follow time of the wrong shape is ignored like any corrupt record', async () => {
  const backend = memoryBackend();
  await backend.update(`${endpoint}|room-a`, () => ({ key, updatedAt: 1, followedAt: 'yesterday' }));
  assert.equal(await createTicketStore(endpoint, 'room-a', { backend }).read(), undefined);
});
