import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSharedWaitingRoom, type SharedWaitingRoom } from '../../../src/core/wait/shared-waiting-room.js';
import { createTicketStore, memoryBackend } from '../../../src/core/wait/ticket-store.js';
import type { WaitingRoomSnapshot } from '../../../src/core/wait/waiting-room.js';
import type { QueueOutcome } from '../../../src/core/wait/queue-client.js';
import type { TicketStatus } from '../../../src/core/protocol/protocol.js';
import { FakeBroadcastHub, FakeLocks } from './fake-tabs.js';
import { FakeClock, ok, ScriptedClient, status } from '../../support/fakes.js';

const endpoint = 'https://file.ent.example/api/v1';
const room = 'college-test';
const joined = ok(status({ ticket: 'cred-1' }), 201);
const LEAD = `antichambre:lead:antichambre:${endpoint}|${room}`;

/** One browser: shared IndexedDB (a Map), Web Locks and BroadcastChannel; one queue server (the client). */
function browser(client: ScriptedClient, locksAvailable = true) {
  const clock = new FakeClock();
  const backend = memoryBackend();
  const locks = new FakeLocks();
  const hub = new FakeBroadcastHub();
  const warnings: string[] = [];
  const open: Array<{ tab: number; room: SharedWaitingRoom; seen: WaitingRoomSnapshot[] }> = [];
  function openTab(visible = true) {
    const tab = open.length;
    const seen: WaitingRoomSnapshot[] = [];
    const shared = createSharedWaitingRoom({
      endpoint,
      room,
      client,
      clock,
      visible,
      random: () => 0.5,
      store: createTicketStore(endpoint, room, { backend, now: clock.now }),
      makeKey: () => `key-${tab}`.padEnd(32, 'x'),
      locks: locksAvailable ? locks.forTab(tab) : undefined,
      channel: hub.create,
      warn: (m) => warnings.push(m),
      onChange: (s) => seen.push(s),
    });
    shared.start();
    const handle = { tab, room: shared, seen };
    open.push(handle);
    return handle;
  }
  /** The tab dies: the browser frees its locks and its code stops running. */
  const close = (tab: number) => {
    locks.closeTab(tab);
    open[tab]!.room.stop();
  };
  return { clock, locks, warnings, openTab, close, open };
}

test('tabs opened at once: one join, one poll loop, and every tab shows the same ticket and position', async () => {
  const client = new ScriptedClient([joined], [ok(status({ position: 4, ahead: 3 }))]);
  const { clock, openTab } = browser(client);
  const tabs = [openTab(), openTab(), openTab()];
  await clock.advance(0);
  assert.equal(client.count('join'), 1);
  await clock.advance(60_000);
  assert.equal(client.count('join'), 1);
  // pollAfterMs 5 s with random 0.5 (no jitter): one loop means 12 statuses a minute, not 36.
  assert.equal(client.count('status'), 12);
  for (const tab of tabs) {
    assert.equal(tab.room.snapshot.phase, 'waiting');
    assert.equal(tab.room.snapshot.ticketId, 'ticket-0001');
    assert.equal(tab.room.snapshot.status?.position, 4);
  }
});

test('a tab opened later shows the current state at once, without a request of its own', async () => {
  const client = new ScriptedClient([joined], [ok(status({ position: 3 }))]);
  const { clock, openTab } = browser(client);
  openTab();
  await clock.advance(6_000);
  const requests = client.calls.length;
  const late = openTab();
  await clock.advance(0);
  assert.equal(late.room.snapshot.status?.position, 3);
  assert.equal(client.calls.length, requests);
});

test('the leader closes: the next tab polls within one interval, same ticket, no new join', async () => {
  const client = new ScriptedClient([joined], [ok(status())]);
  const { clock, locks, openTab, close } = browser(client);
  openTab();
  const follower = openTab();
  await clock.advance(5_000);
  assert.equal(client.count('status'), 1);
  const seenBefore = follower.seen.length;
  close(0);
  await clock.advance(5_000);
  assert.equal(locks.holder(LEAD), 1);
  assert.equal(client.count('join'), 1);
  assert.equal(client.count('status'), 2, 'the new leader asked within one poll interval');
  assert.deepEqual(new Set(client.calls.filter((c) => c.op === 'status').map((c) => c.id)), new Set(['ticket-0001']));
  assert.equal(follower.room.snapshot.phase, 'waiting');
  assert.equal(follower.seen.slice(seenBefore).some((s) => s.phase === 'joining'), false, 'the takeover shows no "joining" flash');
});

test("a Retry-After the leader got binds the tab that takes over", async () => {
  const throttled: QueueOutcome<TicketStatus> = { kind: 'throttled', httpStatus: 429, retryAfterMs: 30_000 };
  const client = new ScriptedClient([joined], [throttled, ok(status())]);
  const { clock, openTab, close } = browser(client);
  openTab();
  const follower = openTab();
  await clock.advance(5_000);
  assert.equal(client.count('status'), 1);
  const retryAt = follower.room.snapshot.retryAt!;
  assert.ok(retryAt >= clock.now() + 30_000, 'the follower knows the shared next-try time');
  close(0);
  await clock.advance(retryAt - clock.now() - 1);
  assert.equal(client.count('status'), 1, 'no tab asks before the Retry-After');
  await clock.advance(1);
  assert.equal(client.count('status'), 2);
});

test('a visible tab takes the lead from a hidden one', async () => {
  const client = new ScriptedClient([joined], [ok(status())]);
  const { clock, locks, openTab } = browser(client);
  const first = openTab(true);
  const second = openTab(false);
  await clock.advance(0);
  first.room.setVisible(false);
  await clock.advance(0);
  assert.equal(locks.holder(LEAD), 0, 'both hidden: nobody moves');
  second.room.setVisible(true);
  await clock.advance(0);
  assert.equal(locks.holder(LEAD), 1);
  await clock.advance(60_000);
  assert.equal(client.count('join'), 1);
  assert.ok(client.count('status') <= 13, `one loop after the handover (${client.count('status')} statuses)`);
});

test('"rejoindre" in a tab that does not lead makes the leader join again, once', async () => {
  const expired: QueueOutcome<TicketStatus> = { kind: 'expired', httpStatus: 410 };
  const client = new ScriptedClient([joined, ok(status({ id: 'ticket-0002', ticket: 'cred-2' }), 201)], [expired, ok(status({ id: 'ticket-0002' }))]);
  const { clock, openTab } = browser(client);
  openTab();
  const follower = openTab();
  await clock.advance(5_000);
  assert.equal(follower.room.snapshot.phase, 'expired');
  await follower.room.rejoin();
  await clock.advance(0);
  assert.equal(client.count('join'), 2);
  assert.equal(follower.room.snapshot.ticketId, 'ticket-0002');
});

test('without Web Locks each tab still resumes the stored ticket', async () => {
  const client = new ScriptedClient([joined], [ok(status())]);
  const { clock, openTab } = browser(client, false);
  openTab();
  await clock.advance(0);
  openTab();
  await clock.advance(0);
  assert.equal(client.count('join'), 1, 'the second tab found the stored ticket');
});
