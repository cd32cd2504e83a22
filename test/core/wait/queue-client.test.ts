import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createQueueClient } from '../../../src/core/wait/queue-client.js';
import { FakeClock, status } from '../../support/fakes.js';

const endpoint = 'https://file.ent.example/api/v1/';
const room = 'college-jean-moulin';

function json(body: unknown, init: ResponseInit = {}) {
  return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' }, ...init });
}

function clientAnswering(answer: (url: string, init: RequestInit) => Response | Promise<Response>, extra = {}) {
  const requests: Array<{ url: string; init: RequestInit }> = [];
  const client = createQueueClient({
    endpoint,
    room,
    fetch: async (input, init = {}) => {
      requests.push({ url: String(input), init });
      return answer(String(input), init);
    },
    ...extra,
  });
  return { client, requests };
}

test('join POSTs the key to {endpoint}/rooms/{room}/tickets and parses the TicketStatus', async () => {
  const answer = status({ ticket: 'signed.credential' });
  const { client, requests } = clientAnswering(() => json(answer, { status: 201 }));
  const outcome = await client.join('k'.repeat(32));
  assert.deepEqual(outcome, { kind: 'ok', httpStatus: 201, value: answer });
  assert.equal(requests[0].url, 'https://file.ent.example/api/v1/rooms/college-jean-moulin/tickets');
  assert.equal(requests[0].init.method, 'POST');
  assert.deepEqual(JSON.parse(String(requests[0].init.body)), { key: 'k'.repeat(32) });
});

test("a pass goes in every join's body, with the key, and the answer's lane and passRefused come back as they are", async () => {
  const answer = status({ ticket: 'signed.credential', lane: 'personnels' });
  const { client, requests } = clientAnswering(() => json(answer, { status: 201 }), { pass: 'eyJ.pass.sig' });
  assert.deepEqual(await client.join('k'.repeat(32)), { kind: 'ok', httpStatus: 201, value: answer });
  await client.status('ticket-0001', 'signed.credential');
  assert.deepEqual(JSON.parse(String(requests[0].init.body)), { key: 'k'.repeat(32), pass: 'eyJ.pass.sig' });
  assert.equal(requests[1].init.body, undefined, 'a status carries no pass');
  const refused = status({ ticket: 'signed.credential', passRefused: 'pass-expired' });
  const other = clientAnswering(() => json(refused, { status: 201 }), { pass: 'eyJ.pass.sig' });
  assert.deepEqual(await other.client.join('k'.repeat(32)), { kind: 'ok', httpStatus: 201, value: refused });
});

test('status GETs the ticket with the credential as Bearer', async () => {
  const { client, requests } = clientAnswering(() => json(status()));
  const outcome = await client.status('ticket-0001', 'signed.credential');
  assert.equal(outcome.kind, 'ok');
  assert.equal(requests[0].url, 'https://file.ent.example/api/v1/rooms/college-jean-moulin/tickets/ticket-0001');
  assert.equal((requests[0].init.headers as Record<string, string>).Authorization, 'Bearer signed.credential');
});

test('HTTP errors become typed outcomes', async () => {
  const cases: Array<[Response, object]> = [
    [json({ error: { code: 'ticket-expired', message: '' } }, { status: 410 }), { kind: 'expired', httpStatus: 410, serverCode: 'ticket-expired' }],
    [json({ error: { code: 'admission-unclaimed', message: '' } }, { status: 410 }), { kind: 'expired', httpStatus: 410, serverCode: 'admission-unclaimed' }],
    [json({ error: { code: 'unauthorized', message: '' } }, { status: 401 }), { kind: 'unauthorized', httpStatus: 401 }],
    [json({ error: { code: 'ticket-not-found', message: '' } }, { status: 404 }), { kind: 'not-found', httpStatus: 404, serverCode: 'ticket-not-found' }],
    [new Response('<h1>Not Found</h1>', { status: 404 }), { kind: 'not-found', httpStatus: 404, serverCode: undefined }],
    [json({ error: { code: 'bad-room', message: '' } }, { status: 400 }), { kind: 'rejected', httpStatus: 400, serverCode: 'bad-room', pow: undefined }],
    // A room asking for a proof of work: the challenge comes with the refusal, checked by the solver chunk.
    [json({ error: { code: 'pow-required', message: '' }, pow: { salt: 's' } }, { status: 428 }), { kind: 'rejected', httpStatus: 428, serverCode: 'pow-required', pow: { salt: 's' } }],
    [new Response('Bad gateway', { status: 502 }), { kind: 'server-error', httpStatus: 502 }],
    [new Response('', { status: 429, headers: { 'Retry-After': '12' } }), { kind: 'throttled', httpStatus: 429, retryAfterMs: 12_000 }],
    [new Response('', { status: 503, headers: { 'Retry-After': 'whenever' } }), { kind: 'throttled', httpStatus: 503, retryAfterMs: null }],
  ];
  for (const [response, expected] of cases) {
    const { client } = clientAnswering(() => response);
    assert.deepEqual(await client.status('ticket-0001', 'cred'), expected);
  }
});

test('non-JSON and off-protocol answers are invalid-response, not a throw', async () => {
  for (const body of ['{"id": "tick', JSON.stringify({ ...status(), position: -3 }), 'null']) {
    const { client } = clientAnswering(() => new Response(body, { status: 200 }));
    const outcome = await client.status('ticket-0001', 'cred');
    assert.equal(outcome.kind, 'invalid-response', body);
  }
});

test('a fetch that rejects is a network outcome', async () => {
  const { client } = clientAnswering(() => Promise.reject(new TypeError('Failed to fetch')));
  assert.deepEqual(await client.join('k'.repeat(32)), { kind: 'network' });
});

/** A fetch that only ends when its signal aborts, like a stalled server. */
const stalled = (_url: string, init: RequestInit) =>
  new Promise<Response>((_resolve, reject) => init.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));

test("the caller's abort signal (the poll loop's timeout, or stop()) cancels the request and says aborted", async () => {
  const clock = new FakeClock();
  const { client } = clientAnswering(stalled, { clock });
  const stop = new AbortController();
  const pending = client.status('ticket-0001', 'cred', stop.signal);
  stop.abort();
  assert.deepEqual(await pending, { kind: 'aborted' });
  assert.equal(clock.pending, 0);
});
