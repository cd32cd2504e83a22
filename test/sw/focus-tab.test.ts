import { test } from 'node:test';
import assert from 'node:assert/strict';
import { focusTab, TURN_TAG, type NotificationClickEvent, type WindowClients } from '../../src/sw/focus-tab.js';

function world(urls: string[]) {
  const focused: string[] = [];
  const opened: string[] = [];
  const clients: WindowClients = {
    matchAll: async () => urls.map((url) => ({ url, focus: async () => void focused.push(url) })),
    openWindow: async (url) => void opened.push(url),
  };
  return { clients, focused, opened };
}

function click(tag: string, data: unknown) {
  let closed = false;
  let work: Promise<unknown> = Promise.resolve();
  const event: NotificationClickEvent = { notification: { tag, data, close: () => (closed = true) }, waitUntil: (p) => (work = p) };
  return { event, closed: () => closed, done: () => work };
}

test('a click on "C’est votre tour" focuses the tab that waited, and closes the notification', async () => {
  const { clients, focused } = world(['https://ent.example/other', 'https://ent.example/login']);
  const c = click(TURN_TAG, { url: 'https://ent.example/login' });
  focusTab(c.event, clients);
  await c.done();
  assert.equal(c.closed(), true);
  assert.deepEqual(focused, ['https://ent.example/login']);
});

test('the waiting tab is gone: another tab of the ENT, or a new one at its URL', async () => {
  const some = world(['https://ent.example/news']);
  const a = click(TURN_TAG, { url: 'https://ent.example/login' });
  focusTab(a.event, some.clients);
  await a.done();
  assert.deepEqual(some.focused, ['https://ent.example/news']);

  const none = world([]);
  const b = click(TURN_TAG, { url: 'https://ent.example/login' });
  focusTab(b.event, none.clients);
  await b.done();
  assert.deepEqual(none.opened, ['https://ent.example/login']);
});

test('the ENT’s own notifications are left alone', () => {
  const { clients, focused } = world(['https://ent.example/login']);
  const c = click('ent-message', { url: 'https://ent.example/login' });
  focusTab(c.event, clients);
  assert.equal(c.closed(), false);
  assert.deepEqual(focused, []);
});
