/**
 * The status scenarios over a real port (`startServer({ port: 0 })` and fetch), so the path production's
 * polls take (Node's server, the status fast path, queue/status-answer.ts) is the path tested; the other
 * files of test/server mostly drive the Hono app in process.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as v from 'valibot';
import { ErrorBodySchema, TicketStatusSchema } from '../../../src/core/protocol/protocol.js';
import { startServer } from '../../../src/server/http/serve.js';
import { StoreUnavailableError } from '../../../src/server/stores/store-errors.js';
import { MemoryStore } from '../../../src/server/stores/memory.js';
import { ROOM, newKey } from '../../support/harness.js';

class FaultyStore extends MemoryStore {
  down = false;
  override async status(...args: Parameters<MemoryStore['status']>) {
    if (this.down) throw new StoreUnavailableError('Redis timed out');
    return super.status(...args);
  }
}

test('over HTTP: waiting, admitted, refused, gone and store-down status answers', async () => {
  const store = new FaultyStore({ defaults: { capacity: 1, admitPerMinute: 600, open: true } });
  const server = await startServer({ port: 0, store, shutdownGraceMs: 500 });
  const tickets = `${server.apiUrl}/rooms/${ROOM}/tickets`;
  const join = async () => {
    const res = await fetch(tickets, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: newKey() }) });
    assert.equal(res.status, 201);
    return (await res.json()) as { id: string; ticket: string; state: string };
  };
  const status = (id: string, credential?: string) =>
    fetch(`${tickets}/${id}`, { headers: credential === undefined ? {} : { authorization: `Bearer ${credential}` } });
  const errorCode = async (res: Response) => {
    const body: unknown = await res.json();
    assert.ok(v.is(ErrorBodySchema, body), JSON.stringify(body));
    return body.error.code;
  };
  try {
    const inside = await join();
    const first = await join();
    const second = await join();
    assert.deepEqual([inside.state, first.state, second.state], ['admitted', 'waiting', 'waiting']);

    const waiting = await status(second.id, second.ticket);
    assert.equal(waiting.status, 200);
    const waitingBody: unknown = await waiting.json();
    assert.ok(v.is(TicketStatusSchema, waitingBody));
    assert.deepEqual([waitingBody.state, waitingBody.position, waitingBody.ahead], ['waiting', 2, 1]);
    assert.ok(waitingBody.pollAfterMs > 0);

    const admitted = await status(inside.id, inside.ticket);
    assert.equal(admitted.status, 200);
    const admittedBody = (await admitted.json()) as { state: string; admission?: { token: string } };
    assert.equal(admittedBody.state, 'admitted');
    assert.match(admittedBody.admission?.token ?? '', /^[\w-]+\.[\w-]+\.[\w-]+$/, 'an admission token to pass the gate');

    const noCredential = await status(first.id);
    assert.equal(noCredential.status, 401);
    assert.equal(await errorCode(noCredential), 'unauthorized');
    const othersCredential = await status(first.id, second.ticket);
    assert.equal(othersCredential.status, 401);
    assert.equal(await errorCode(othersCredential), 'unauthorized');
    const malformedId = await status('not!an!id', first.ticket);
    assert.equal(malformedId.status, 400);

    // The admitted pupil leaves: that ticket is gone (410), and the first in line gets the seat.
    const released = await fetch(`${tickets}/${inside.id}/release`, { method: 'POST', headers: { authorization: `Bearer ${inside.ticket}` } });
    assert.equal(released.status, 204);
    const gone = await status(inside.id, inside.ticket);
    assert.equal(gone.status, 410);
    assert.equal(await errorCode(gone), 'ticket-expired');
    assert.equal(((await (await status(first.id, first.ticket)).json()) as { state: string }).state, 'admitted');

    // A store fault is "wait and retry", never a 500: the pupil keeps the place.
    store.down = true;
    const down = await status(second.id, second.ticket);
    assert.equal(down.status, 503);
    assert.equal(down.headers.get('retry-after'), '5');
    assert.equal(await errorCode(down), 'unavailable');
    store.down = false;
    assert.equal(((await (await status(second.id, second.ticket)).json()) as { position: number }).position, 1);
  } finally {
    await server.close();
  }
});
