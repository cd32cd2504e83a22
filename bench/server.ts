/**
 * `npm run bench:server [-- --seconds N] [-- --json]`: how close the queue server gets to a bare
 * node:http handler on this machine. Each server runs in its own process (bench/target.ts), the load
 * generator (autocannon) in this one, Redis in its own: on a 2-core machine they compete for the
 * cores, which is stated in the output rather than hidden. Loopback only; every case stops by itself.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import type { Request } from 'autocannon';
import { Redis } from 'ioredis';
import { startRedisServer, type RedisServer } from '../test/server/stores/redis-server.js';
import { load, type LoadResult } from './load.js';
import { BENCH_ROOM, joinRequest, seedPupils, statusRequests } from './seed.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, json: { type: 'boolean', default: false }, connections: { type: 'string', default: '64' } } });
const seconds = Number(values.seconds);
const connections = Number(values.connections);
if (!(seconds > 0 && seconds <= 600) || !(connections > 0 && connections <= 1024)) throw new Error('--seconds must be in (0, 600], --connections in [1, 1024]');
const log = (line: string): void => void (values.json ? process.stderr : process.stdout).write(`${line}\n`);
const env = { BENCH_SECRET: randomBytes(24).toString('hex'), BENCH_ADMIN_TOKEN: randomBytes(24).toString('hex') };
const SEEDED = 2000;

interface Target {
  origin: string;
  child: ChildProcess;
}

async function startTarget(kind: 'baseline' | 'memory' | 'redis', redisUrl?: string): Promise<Target> {
  const child = fork(new URL('./target.ts', import.meta.url), [kind], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env, BENCH_REDIS_URL: redisUrl ?? '' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const origin = await new Promise<string>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { origin: string }).origin));
    child.once('exit', (code) => reject(new Error(`bench target ${kind} exited with ${code}`)));
  });
  return { origin, child };
}

/** Stops the targets; resolves to the CPU time (µs) they spent since "mark". */
async function stopTargets(targets: readonly Target[]): Promise<number> {
  const spent = await Promise.all(
    targets.map(({ child }) => {
      const cpu = new Promise<number>((resolve) => {
        child.on('message', (message) => resolve((message as { cpuMicros?: number }).cpuMicros ?? 0));
        child.once('exit', () => resolve(0));
      });
      child.send('stop');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      return cpu;
    }),
  );
  return spent.reduce((sum, micros) => sum + micros, 0);
}

/** Redis's own CPU time so far (µs), from INFO. */
async function redisCpuMicros(redis: RedisServer | undefined): Promise<number> {
  if (!redis) return 0;
  const client = new Redis(redis.url);
  try {
    const info = await client.info('cpu');
    const read = (name: string): number => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
    return (read('used_cpu_user') + read('used_cpu_sys')) * 1e6;
  } finally {
    client.disconnect();
  }
}

interface Case {
  name: string;
  result: LoadResult;
  /** CPU time per request in the server process(es) and in Redis, µs. */
  serverCpuUs: number;
  redisCpuUs: number;
}

/** Starts the targets, optionally seeds waiting pupils through the first, loads them, stops them. */
async function runCase(name: string, kinds: readonly ('baseline' | 'memory' | 'redis')[], work: 'fixed' | 'status' | 'join', redis?: RedisServer): Promise<Case> {
  const targets = await Promise.all(kinds.map((kind) => startTarget(kind, redis?.url)));
  try {
    const room = `${BENCH_ROOM}-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`.slice(0, 64);
    let request = (): Request => ({ method: 'GET', path: '/' });
    if (work === 'status') request = statusRequests(room, await seedPupils(targets[0]!.origin, room, SEEDED));
    if (work === 'join') request = () => joinRequest(room);
    log(`  ${name}: ${seconds} s…`);
    for (const { child } of targets) child.send('mark');
    const redisBefore = await redisCpuMicros(redis);
    const result = await load({ origins: targets.map((t) => t.origin), seconds, connections, request });
    const redisUsed = (await redisCpuMicros(redis)) - redisBefore;
    const served = result.reqPerSec * seconds;
    const serverUsed = await stopTargets(targets.splice(0));
    return { name, result, serverCpuUs: serverUsed / served, redisCpuUs: redisUsed / served };
  } finally {
    await stopTargets(targets);
  }
}

const round = (value: number, digits = 0): number => Number(value.toFixed(digits));

log(`antichambre server benchmark: ${seconds} s per case, ${connections} connections, ${availableParallelism()} cores, Node ${process.version}`);
const baseline = await runCase('baseline: bare node:http, fixed JSON', ['baseline'], 'fixed');
const cases: Case[] = [
  await runCase('status, memory store', ['memory'], 'status'),
  await runCase('join, memory store', ['memory'], 'join'),
];
let redis: RedisServer | undefined;
try {
  redis = await startRedisServer();
  cases.push(await runCase('status, Redis, 1 instance', ['redis'], 'status', redis));
  cases.push(await runCase('status, Redis, 2 instances', ['redis', 'redis'], 'status', redis));
  cases.push(await runCase('join, Redis, 1 instance', ['redis'], 'join', redis));
} catch (error) {
  log(`  Redis cases skipped: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await redis?.stop();
}

const report = {
  baseline: { reqPerSec: round(baseline.result.reqPerSec), p99Ms: baseline.result.p99Ms, errors: baseline.result.errors },
  cases: cases.map(({ name, result }) => ({
    name,
    reqPerSec: round(result.reqPerSec),
    ratioToBaseline: round(result.reqPerSec / baseline.result.reqPerSec, 2),
    p99Ms: result.p99Ms,
    errors: result.errors,
  })),
};
if (values.json) {
  process.stdout.write(`${JSON.stringify(report)}\n`);
} else {
  const cpu = (c: Case): string[] => [c.serverCpuUs.toFixed(0), c.redisCpuUs > 0 ? c.redisCpuUs.toFixed(1) : '-'];
  const rows = [
    ['case', 'req/s', '× baseline', 'p99 ms', 'errors', 'server CPU µs/req', 'Redis CPU µs/req'],
    [baseline.name, String(report.baseline.reqPerSec), '1.00', String(report.baseline.p99Ms), String(report.baseline.errors), ...cpu(baseline)],
  ];
  report.cases.forEach((c, i) => rows.push([c.name, String(c.reqPerSec), c.ratioToBaseline.toFixed(2), String(c.p99Ms), String(c.errors), ...cpu(cases[i]!)]));
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
  log('Targets: status on memory ≥ 0.70× baseline, on Redis ≥ 0.40×, 0 errors. See docs/benchmarks-server.md.');
}
