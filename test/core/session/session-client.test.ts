import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { releaseKeepalive, sendHeartbeat, type SessionTicket } from '../../../src/core/session/session-client.js';

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
  it('sends the heartbeat with the credential as Bearer and reads the fresh admission of the 200 answer', async () => {
    const status = { state: 'admitted', serverTime: '2026-09-01T08:00:00.000Z', admission: { token: 'a.b.c', expiresAt: '2026-09-01T08:05:00.000Z' } };
    const { calls, fetchFn } = recordingFetch(() => Response.json(status));
    assert.deepEqual(await sendHeartbeat(session, fetchFn), {
      outcome: 'alive',
      admission: { token: 'a.b.c', expiresAt: '2026-09-01T08:05:00.000Z' },
      serverTime: Date.parse('2026-09-01T08:00:00.000Z'),
    });
    assert.equal(calls[0]?.url, 'https://ent.example/api/v1/rooms/college-a/tickets/abc123/heartbeat');
    assert.equal(calls[0]?.init.method, 'POST');
    assert.deepEqual(calls[0]?.init.headers, { Authorization: 'Bearer abc123.sig' });
  });

  it('an answer without a usable admission is still alive, with nothing to renew the cookie with', async () => {
    for (const body of ['', 'not json', '{}', '{"admission":{"token":"a.b.c","expiresAt":"soon"},"serverTime":"2026-09-01T08:00:00Z"}',
      '{"admission":{"token":"a.b.c","expiresAt":"2026-09-01T07:00:00Z"},"serverTime":"2026-09-01T08:00:00Z"}']) {
      assert.deepEqual(await sendHeartbeat(session, recordingFetch(() => new Response(body, { status: 200 })).fetchFn), { outcome: 'alive' }, body);
    }
    assert.deepEqual(await sendHeartbeat(session, recordingFetch(() => new Response(null, { status: 204 })).fetchFn), { outcome: 'alive' }, 'an older server');
  });

  it('tells a seat the server gave away (410, 401) from a passing failure (503, network)', async () => {
    const outcome = async (answer: () => Response | Promise<Response>) => (await sendHeartbeat(session, recordingFetch(answer).fetchFn)).outcome;
    assert.equal(await outcome(() => new Response('{}', { status: 410 })), 'gone');
    assert.equal(await outcome(() => new Response('{}', { status: 401 })), 'gone');
    assert.equal(await outcome(() => new Response('', { status: 503 })), 'unknown');
    assert.equal(await outcome(() => Promise.reject(new TypeError('offline'))), 'unknown');
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
