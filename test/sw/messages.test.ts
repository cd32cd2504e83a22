import { test } from 'node:test';
import assert from 'node:assert/strict';
import { askWorker, isPageMessage, isWorkerMessage, type MessageTarget, type WorkerMessage } from '../../src/sw/messages.js';

const reply: WorkerMessage = { type: 'antichambre:status', version: 'abc', pages: ['/'], waitingPage: '/attente.html', queue: [] };

test('a request is answered on the port it came with', async () => {
  const worker: MessageTarget = {
    postMessage: (message, [port]) => {
      assert.equal(isPageMessage(message), true);
      (port as MessagePort).postMessage(reply);
    },
  };
  assert.deepEqual(await askWorker(worker, { type: 'antichambre:status' }), reply);
});

test('a worker that never answers does not leave the page waiting forever', async () => {
  const silent: MessageTarget = { postMessage: () => {} };
  const started = Date.now();
  assert.equal(await askWorker(silent, { type: 'antichambre:status' }, 50), undefined);
  assert.ok(Date.now() - started < 1_000);
});

test('an answer of another shape counts as no answer', async () => {
  const odd: MessageTarget = { postMessage: (_m, [port]) => (port as MessagePort).postMessage({ type: 'antichambre:status' }) };
  assert.equal(await askWorker(odd, { type: 'antichambre:status' }, 500), undefined);
  assert.equal(isWorkerMessage(reply), true);
  assert.equal(isPageMessage({ type: 'other' }), false);
});

test('the page tells the worker its queue API; the answer lists what the worker now coalesces', async () => {
  const worker: MessageTarget = {
    postMessage: (message, [port]) => {
      assert.equal(isPageMessage(message), true);
      const endpoint = (message as { endpoint: string }).endpoint;
      (port as MessagePort).postMessage({ type: 'antichambre:queue', endpoints: [endpoint] });
    },
  };
  assert.deepEqual(await askWorker(worker, { type: 'antichambre:queue', endpoint: 'https://ent.example/api/v1' }), {
    type: 'antichambre:queue',
    endpoints: ['https://ent.example/api/v1'],
  });
  assert.equal(isPageMessage({ type: 'antichambre:queue' }), false, 'an endpoint is required');
  assert.equal(isPageMessage({ type: 'antichambre:queue', endpoint: 5 }), false);
});

test('an answer to another question counts as no answer', async () => {
  const confused: MessageTarget = { postMessage: (_m, [port]) => (port as MessagePort).postMessage(reply) };
  assert.equal(await askWorker(confused, { type: 'antichambre:queue', endpoint: 'https://ent.example/api/v1' }, 500), undefined);
});
