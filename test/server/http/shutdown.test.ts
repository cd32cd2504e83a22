/**
 * A rolling deploy (SIGTERM) must not cut a pupil's request mid-flight: stop accepting, finish what is
 * in flight, then exit. A request that hangs does not hold the shutdown forever.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer } from '../../../src/server/http/serve.js';

test('close() lets a slow request in flight finish, refuses new connections, then resolves', async () => {
  const server = await startServer({
    port: 0,
    extend: (app) => app.get('/slow', async (c) => (await sleep(400), c.text('finished'))),
  });
  const inFlight = fetch(`${server.origin}/slow`);
  await sleep(100);
  const started = performance.now();
  const closed = server.close();
  await assert.rejects(fetch(`${server.origin}/healthz`), 'no new connection is accepted');
  const res = await inFlight;
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'finished');
  await closed;
  assert.ok(performance.now() - started >= 250, 'close waited for the request in flight');
});

test('a request that hangs is cut after the grace period', async () => {
  const server = await startServer({
    port: 0,
    shutdownGraceMs: 200,
    extend: (app) => app.get('/hang', () => new Promise<Response>(() => {})),
  });
  const hanging = fetch(`${server.origin}/hang`).then(
    () => 'answered',
    () => 'cut',
  );
  await sleep(50);
  const started = performance.now();
  await server.close();
  assert.ok(performance.now() - started < 2000);
  assert.equal(await hanging, 'cut');
});

test('the CLI exits 0 on SIGTERM after saying it finishes requests in flight', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/config/cli.ts', '--port', '0', '--host', '127.0.0.1'], {
    env: { ...process.env, PORT: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk));
  const exited = once(child, 'exit');
  try {
    for (let i = 0; i < 100 && !/listening on 127\.0\.0\.1:(\d+)/.test(out); i++) await sleep(100);
    const port = /listening on 127\.0\.0\.1:(\d+)/.exec(out)?.[1];
    assert.ok(port, out);
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    child.kill('SIGTERM');
    const [code] = await exited;
    assert.equal(code, 0);
    assert.match(out, /SIGTERM, finishing requests in flight/);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
