import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWorkerConfig } from '../../src/sw/worker-config.js';

test('the ENT configures the worker in its script URL', () => {
  assert.deepEqual(parseWorkerConfig('https://ent.example/antichambre-sw.js?pages=/,/login&waiting=/attente.html&timeout=6'), {
    pages: ['/', '/login'],
    waitingPage: '/attente.html',
    timeoutSeconds: 6,
    queue: [],
  });
});

test('the queue API the worker coalesces: absolute, or a path on the worker\'s origin; nothing else', () => {
  const config = parseWorkerConfig('https://ent.example/antichambre-sw.js?queue=/api/v1/,https://file.example/q,javascript:x');
  assert.deepEqual(config.queue, ['https://ent.example/api/v1', 'https://file.example/q']);
});

test('without configuration the worker falls back to nothing; other origins and odd timeouts are refused', () => {
  assert.deepEqual(parseWorkerConfig('https://ent.example/antichambre-sw.js'), { pages: [], waitingPage: null, timeoutSeconds: 4, queue: [] });
  const odd = parseWorkerConfig('https://ent.example/sw.js?pages=//evil.example/,https://evil.example/,/ok&waiting=https://evil.example/&timeout=600');
  assert.deepEqual(odd, { pages: ['/ok'], waitingPage: null, timeoutSeconds: 4, queue: [] });
});
