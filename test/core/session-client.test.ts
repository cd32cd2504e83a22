import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { releaseKeepalive, sendHeartbeat, type SessionTicket } from '../../src/core/session-client.js';

const session: SessionTicket = { endpoint: 'https://ent.example/api/v1/', room: 'college-a', id: 'abc123', ticket: 'abc123.sig' };

function recordingFetch(answer: () => Response | Promise<Response>) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchFn = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return answer();
  }) as unknown as typeof fetch;
  return { calls, fetchFn };
}

describe('session-client: heartbeat and keepalive release', () => {
  it('sends the heartbeat with the credential as Bearer and reads 204 as alive', async () => {
    const { calls, fetchFn } = recordingFetch(() => new Response(null, { status: 204 }));
    assert.equal(await sendHeartbeat(session, fetchFn), 'alive');
    assert.equal(calls[0]?.url, 'https://ent.example/api/v1/rooms/college-a/tickets/abc123/heartbeat');
    assert.equal(calls[0]?.init.method, 'POST');
    assert.deepEqual(calls[0]?.init.headers, { Authorization: 'Bearer abc123.sig' });
  });

  it('tells a seat the server gave away (410, 401) from a passing failure (503, network)', async () => {
    assert.equal(await sendHeartbeat(session, recordingFetch(() => new Response('{}', { status: 410 })).fetchFn), 'gone');
    assert.equal(await sendHeartbeat(session, recordingFetch(() => new Response('{}', { status: 401 })).fetchFn), 'gone');
    assert.equal(await sendHeartbeat(session, recordingFetch(() => new Response('', { status: 503 })).fetchFn), 'unknown');
    assert.equal(await sendHeartbeat(session, recordingFetch(() => Promise.reject(new TypeError('offline'))).fetchFn), 'unknown');
  });

  it('releases with keepalive and a text/plain body (no preflight), and never throws', async () => {
    const { calls, fetchFn } = recordingFetch(() => new Response(null, { status: 204 }));
    assert.equal(await releaseKeepalive(session, fetchFn), true);
    assert.equal(calls[0]?.url, 'https://ent.example/api/v1/rooms/college-a/tickets/abc123/release');
    assert.equal(calls[0]?.init.keepalive, true);
    assert.deepEqual(calls[0]?.init.headers, { 'Content-Type': 'text/plain' });
    assert.deepEqual(JSON.parse(String(calls[0]?.init.body)), { ticket: 'abc123.sig' });
    assert.equal(await releaseKeepalive(session, recordingFetch(() => Promise.reject(new TypeError('offline'))).fetchFn), false);
  });
});
