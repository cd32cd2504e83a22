import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTabMessage, openTabChannel, tabChannelName, type TabMessage } from '../../../src/core/session/tabs.js';

const nextMessage = (received: TabMessage[]) =>
  new Promise<void>((resolve) => {
    const started = received.length;
    const poll = () => (received.length > started ? resolve() : setTimeout(poll, 5));
    poll();
  });

describe('tabs: what the tabs of one ENT tell each other', () => {
  it('names one channel per endpoint and room, whatever the trailing slash', () => {
    assert.equal(tabChannelName('https://ent.example/api/v1/', 'college-a'), 'antichambre:https://ent.example/api/v1|college-a');
    assert.notEqual(tabChannelName('https://ent.example/api/v1', 'college-a'), tabChannelName('https://ent.example/api/v1', 'college-b'));
  });

  it('carries activity timestamps and releases between two tabs (real BroadcastChannel)', async () => {
    const name = tabChannelName('https://ent.example/api/v1', `room-${Math.random()}`);
    const received: TabMessage[] = [];
    const here = openTabChannel(name, (message) => received.push(message));
    const otherTab = openTabChannel(name, () => {});
    try {
      otherTab.post({ type: 'activity', at: 1_000 });
      await nextMessage(received);
      otherTab.post({ type: 'released', reason: 'logout' });
      await nextMessage(received);
      assert.deepEqual(received, [
        { type: 'activity', at: 1_000 },
        { type: 'released', reason: 'logout' },
      ]);
    } finally {
      here.close();
      otherTab.close();
    }
  });

  it('ignores anything else another script of the origin posts on the channel', async () => {
    const name = `antichambre:test|${Math.random()}`;
    const received: TabMessage[] = [];
    const here = openTabChannel(name, (message) => received.push(message));
    const raw = new BroadcastChannel(name);
    try {
      for (const junk of [null, 'activity', { type: 'activity' }, { type: 'activity', at: 'now' }, { type: 'activity', at: Infinity }, { type: 'released', reason: 'bored' }]) {
        raw.postMessage(junk);
      }
      raw.postMessage({ type: 'activity', at: 5 });
      await nextMessage(received);
      assert.deepEqual(received, [{ type: 'activity', at: 5 }]);
    } finally {
      here.close();
      raw.close();
    }
  });

  it('works alone where BroadcastChannel is missing', () => {
    const alone = openTabChannel('x', () => assert.fail('nobody to hear from'), () => null);
    alone.post({ type: 'activity', at: 1 });
    alone.close();
    assert.equal(isTabMessage({ type: 'released', reason: 'expired' }), true);
  });
});
