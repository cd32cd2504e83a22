/**
 * One server under load, in its own process so it gets a core of its own instead of sharing an event
 * loop with the load generator. `tsx bench/target.ts baseline|memory|redis|cluster`; prints nothing, answers
 * its parent over IPC: `{origin}` once listening, `{cpuMicros}` on "stop", then exits.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startServer } from '../src/server/http/serve.js';
import { parseHostPorts } from '../src/server/stores/redis-connection.js';

/** About the size of a waiting pupil's status answer. */
const BASELINE_BODY = JSON.stringify({
  id: '0123456789abcdef0123456789abcdef',
  room: 'bench',
  state: 'waiting',
  position: 512,
  ahead: 511,
  etaSeconds: null,
  etaLowSeconds: null,
  etaHighSeconds: null,
  pollAfterMs: 30000,
  serverTime: '2026-09-01T08:00:00.000Z',
});

async function start(kind: string): Promise<{ origin: string; close: () => Promise<void> }> {
  if (kind === 'baseline') {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(BASELINE_BODY);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }
  const redisUrl = kind === 'redis' ? process.env.BENCH_REDIS_URL : undefined;
  if (kind === 'redis' && !redisUrl) throw new Error('BENCH_REDIS_URL is not set');
  const seeds = kind === 'cluster' ? process.env.BENCH_REDIS_CLUSTER : undefined;
  if (kind === 'cluster' && !seeds) throw new Error('BENCH_REDIS_CLUSTER is not set');
  const redis = seeds ? { kind: 'cluster' as const, nodes: parseHostPorts(seeds, 'BENCH_REDIS_CLUSTER') } : undefined;
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    secret: process.env.BENCH_SECRET,
    adminToken: process.env.BENCH_ADMIN_TOKEN,
    redisUrl,
    redis, // with a Cluster, the default replica wait (1) as in production
    capacity: 0, // everyone waits: the status a waiting pupil polls is the hot path of a surge
    joinLimitPerMinute: 0, // one client (the benchmark) makes every join
    // The flood rule (flood-rule.ts) asks for proof of work past 100 joins per address or 20× the admission
    // rate per minute; the benchmark's joins stand for many pupils, so each comes from an address of its own
    // (X-Forwarded-For, seed.ts) into a room paced far above the joins it takes.
    trustProxy: ['127.0.0.1'],
    admitPerMinute: 10_000_000,
    shutdownGraceMs: 1000,
  });
  return server;
}

const server = await start(process.argv[2] ?? '');
process.send?.({ origin: server.origin });
// CPU time spent between "mark" and "stop": what one request costs the server, whatever else runs on
// the machine (wall-clock req/s on a shared 2-core box swings with the neighbours, CPU per request does not).
let mark = process.cpuUsage();
process.on('message', (message) => {
  if (message === 'mark') mark = process.cpuUsage();
  // The process's CPU time so far: the benchmark takes differences around each measurement.
  if (message === 'cpu') {
    const total = process.cpuUsage();
    process.send?.({ cpuMicros: total.user + total.system });
  }
  if (message !== 'stop') return;
  const used = process.cpuUsage(mark);
  process.send?.({ cpuMicros: used.user + used.system }, () => void server.close().finally(() => process.exit(0)));
});
process.on('disconnect', () => process.exit(0)); // the parent died: never outlive it
