import { test } from 'node:test';
import assert from 'node:assert/strict';
import { askWorker, isPageMessage, isWorkerMessage, type MessageTarget, type WorkerMessage } from '../../src/sw/messages.js';

const reply: WorkerMessage = { type: 'antichambre:status', version: 'abc', pages: ['/'], waitingPage: '/attente.html' };

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
