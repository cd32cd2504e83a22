import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer } from '../../../src/server/http/serve.js';

test('startServer with an autopilot runs the law on its room, accepts timed heartbeats, and shows its decisions on /metrics', async () => {
  const ent = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => ent.listen(0, '127.0.0.1', resolve));
  const probeUrl = `http://127.0.0.1:${(ent.address() as AddressInfo).port}/`;
  const server = await startServer({
    port: 0,
    capacity: 2,
    metricsToken: 'metrics-token-0123456789',
    autopilot: { room: 'ent', on: true, targetMs: 500, probeUrl, minCapacity: 2, maxCapacity: 50, minAdmitPerMinute: 10, maxAdmitPerMinute: 600 },
  });
  try {
    const join = async () => (await fetch(`${server.apiUrl}/rooms/ent/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: `key-${Math.random().toString(36).slice(2, 14)}-abcdef` }) })).json();
    const first = (await join()) as { id: string; ticket: string; state: string };
    assert.equal(first.state, 'admitted');
    const beat = await fetch(`${server.apiUrl}/rooms/ent/tickets/${first.id}/heartbeat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${first.ticket}` },
      body: JSON.stringify({ timing: { serverMs: 320, firstPage: true } }),
    });
    assert.equal(beat.status, 200);
    await sleep(1_300); // one tick of the law
    const metrics = await (await fetch(`${server.origin}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } })).text();
    assert.match(metrics, /antichambre_autopilot_decisions_total\{room="ent",action="hold"\} [1-9]/);
  } finally {
    await server.close();
    ent.closeAllConnections();
    ent.close();
  }
});
