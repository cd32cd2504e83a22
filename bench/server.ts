/**
 * `npm run bench:server [-- --seconds N] [-- --rounds N] [-- --json]`: how close the queue server gets to
 * a bare node:http handler on this machine. Each server runs in its own process (bench/target.ts), the
 * load generator (autocannon) in this one, Redis in its own: on a 2-core machine they compete for the
 * cores, which is stated in the output rather than hidden. Each case is measured side by side with the
 * baseline (alternating slices), in several rounds; the medians are reported. Loopback only; every case
 * stops by itself. See docs/benchmarks-server.md.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { availableParallelism, setPriority } from 'node:os';
import { parseArgs } from 'node:util';
import type { Request } from 'autocannon';
import { Redis } from 'ioredis';
import { startRedisServer, type RedisServer } from '../test/support/redis-server.js';
import { startRedisCluster, type RedisClusterProcesses } from '../test/support/redis-cluster.js';
import { load } from './load.js';
import { BENCH_ROOM, joinRequest, seedPupils, statusRequests } from './seed.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '2' },
    slice: { type: 'string', default: '2' },
    // Opt-in: `--priority=-10` (root) puts the benchmark ahead of the machine's other jobs (see below).
    priority: { type: 'string', default: '0' },
    json: { type: 'boolean', default: false },
    connections: { type: 'string', default: '64' },
    // Skips the Redis Cluster cases (six redis-server processes; ~2 s to start).
    'no-cluster': { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const warmup = Number(values.warmup);
const slice = Number(values.slice);
/**
 * Scheduling priority (nice value, -20…19) for the benchmark, its servers and Redis. A negative value
 * (root only, opt-in: `--priority=-10`) lets them take the cores before the other jobs of a shared
 * machine: the benchmark then measures the server against the baseline rather than the neighbours, which
 * on a busy 2-core machine swing the ratios by 2× (docs/benchmarks-server.md). It slows those other jobs
 * while it runs, so it is never the default.
 */
const priority = Number(values.priority);
const connections = Number(values.connections);
if (!(seconds > 0 && seconds <= 600) || !(connections > 0 && connections <= 1024) || !(Number.isInteger(rounds) && rounds >= 1 && rounds <= 20) || !(warmup >= 0 && warmup <= 60) || !(slice >= 0.5 && slice <= seconds) || !(Number.isInteger(priority) && priority >= -20 && priority <= 19)) {
  throw new Error('--seconds must be in (0, 600], --connections in [1, 1024], --rounds in [1, 20], --warmup in [0, 60], --slice in [0.5, seconds], --priority in [-20, 19]');
}
const log = (line: string): void => void (values.json ? process.stderr : process.stdout).write(`${line}\n`);
const env = { BENCH_SECRET: randomBytes(24).toString('hex'), BENCH_ADMIN_TOKEN: randomBytes(24).toString('hex') };
const SEEDED = 2000;

interface Target {
  origin: string;
  child: ChildProcess;
}

type TargetKind = 'baseline' | 'memory' | 'redis' | 'cluster';

async function startTarget(kind: TargetKind, redis?: RedisUnderTest): Promise<Target> {
  const child = fork(new URL('./target.ts', import.meta.url), [kind], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env, BENCH_REDIS_URL: redis?.url ?? '', BENCH_REDIS_CLUSTER: redis?.seeds?.join(',') ?? '' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  if (priority !== 0 && child.pid !== undefined) setPriority(child.pid, priority);
  const origin = await new Promise<string>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { origin: string }).origin));
    child.once('exit', (code) => reject(new Error(`bench target ${kind} exited with ${code}`)));
  });
  return { origin, child };
}

/** Stops the targets (each within 5 s, or it is killed). */
async function stopTargets(targets: readonly Target[]): Promise<void> {
  await Promise.all(
    targets.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.send('stop');
          setTimeout(() => child.kill('SIGKILL'), 5000).unref();
        }),
    ),
  );
}

/** The Redis a case runs on: one server (`url`) or a Cluster (`seeds`); `nodes` are read for CPU time. */
interface RedisUnderTest {
  url?: string;
  seeds?: readonly string[];
  nodes: readonly string[];
}

/** Redis's own CPU time so far (µs), from INFO, summed over its nodes (a Cluster's replicas included). */
async function redisCpuMicros(redis: RedisUnderTest | undefined): Promise<number> {
  if (!redis) return 0;
  const micros = await Promise.all(
    redis.nodes.map(async (url) => {
      const client = new Redis(url);
      try {
        const info = await client.info('cpu');
        const read = (name: string): number => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
        return (read('used_cpu_user') + read('used_cpu_sys')) * 1e6;
      } finally {
        client.disconnect();
      }
    }),
  );
  return micros.reduce((sum, m) => sum + m, 0);
}

/** Gives the Redis server the benchmark's priority (its pid from INFO server). */
async function prioritiseRedis(server: RedisServer): Promise<void> {
  const client = new Redis(server.url);
  try {
    const pid = Number(/process_id:(\d+)/.exec(await client.info('server'))?.[1]);
    if (pid > 0) setPriority(pid, priority);
  } finally {
    client.disconnect();
  }
}

interface CaseSpec {
  name: string;
  kinds: readonly TargetKind[];
  work: 'fixed' | 'status' | 'join';
  redis?: RedisUnderTest;
}

interface Prepared {
  spec: CaseSpec;
  targets: Target[];
  request: () => Request;
}

/** What one case served over some slices of load (sums, so that slices add up). */
interface Sample {
  requests: number;
  seconds: number;
  /** The worst p99 of its slices. */
  p99Ms: number;
  errors: number;
  /** CPU time in the server process(es), in Redis and in the load generator (this process), µs. */
  serverCpu: number;
  redisCpu: number;
  loadCpu: number;
}

const EMPTY: Sample = { requests: 0, seconds: 0, p99Ms: 0, errors: 0, serverCpu: 0, redisCpu: 0, loadCpu: 0 };
const add = (a: Sample, b: Sample): Sample => ({
  requests: a.requests + b.requests,
  seconds: a.seconds + b.seconds,
  p99Ms: Math.max(a.p99Ms, b.p99Ms),
  errors: a.errors + b.errors,
  serverCpu: a.serverCpu + b.serverCpu,
  redisCpu: a.redisCpu + b.redisCpu,
  loadCpu: a.loadCpu + b.loadCpu,
});
const perSecond = (s: Sample): number => s.requests / s.seconds;
const perRequest = (micros: number, s: Sample): number => micros / Math.max(1, s.requests);

/** Starts the case's servers and, for a status case, seeds waiting pupils through the first. */
async function prepare(spec: CaseSpec): Promise<Prepared> {
  const targets = await Promise.all(spec.kinds.map((kind) => startTarget(kind, spec.redis)));
  const room = `${BENCH_ROOM}-${spec.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`.slice(0, 64);
  let request = (): Request => ({ method: 'GET', path: '/' });
  if (spec.work === 'status') request = statusRequests(room, await seedPupils(targets[0]!.origin, room, SEEDED));
  if (spec.work === 'join') request = () => joinRequest(room);
  return { spec, targets, request };
}

const cpuOf = ({ child }: Target): Promise<number> =>
  new Promise((resolve) => {
    const onMessage = (message: unknown): void => {
      if (typeof (message as { cpuMicros?: unknown }).cpuMicros !== 'number') return;
      child.off('message', onMessage);
      resolve((message as { cpuMicros: number }).cpuMicros);
    };
    child.on('message', onMessage);
    child.send('cpu');
  });

async function measure({ targets, request, spec }: Prepared, durationSeconds: number): Promise<Sample> {
  const [serverBefore, redisBefore, loadBefore] = [await Promise.all(targets.map(cpuOf)), await redisCpuMicros(spec.redis), process.cpuUsage()];
  const result = await load({ origins: targets.map((t) => t.origin), seconds: durationSeconds, connections, request });
  const loadUsed = process.cpuUsage(loadBefore);
  const redisUsed = (await redisCpuMicros(spec.redis)) - redisBefore;
  const serverUsed = (await Promise.all(targets.map(cpuOf))).reduce((sum, micros, i) => sum + micros - serverBefore[i]!, 0);
  return {
    requests: result.reqPerSec * durationSeconds,
    seconds: durationSeconds,
    p99Ms: result.p99Ms,
    errors: result.errors,
    serverCpu: serverUsed,
    redisCpu: redisUsed,
    loadCpu: loadUsed.user + loadUsed.system,
  };
}

const round = (value: number, digits = 0): number => Number(value.toFixed(digits));
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const slices = Math.max(1, Math.round(seconds / slice));
log(
  `antichambre server benchmark: ${seconds} s per case and round, run side by side with the baseline in ${slices} alternating ` +
    `slices; ${rounds} round(s), medians reported; ${warmup} s warm-up; ${connections} connections${priority !== 0 ? `, nice ${priority}` : ''}, ${availableParallelism()} cores, Node ${process.version}`,
);
let redis: RedisServer | undefined;
const baselineSpec: CaseSpec = { name: 'baseline: bare node:http, fixed JSON', kinds: ['baseline'], work: 'fixed' };
const specs: CaseSpec[] = [
  { name: 'status, memory store', kinds: ['memory'], work: 'status' },
  { name: 'join, memory store', kinds: ['memory'], work: 'join' },
];
if (priority !== 0) setPriority(priority); // this process: autocannon
try {
  redis = await startRedisServer();
  if (priority !== 0) await prioritiseRedis(redis);
  const single: RedisUnderTest = { url: redis.url, nodes: [redis.url] };
  specs.push(
    { name: 'status, Redis, 1 instance', kinds: ['redis'], work: 'status', redis: single },
    { name: 'status, Redis, 2 instances', kinds: ['redis', 'redis'], work: 'status', redis: single },
    { name: 'join, Redis, 1 instance', kinds: ['redis'], work: 'join', redis: single },
  );
} catch (error) {
  log(`  Redis cases skipped: ${error instanceof Error ? error.message : String(error)}`);
}
// A local Redis Cluster, 3 primaries + 3 replicas (test/support/redis-cluster.ts), with its defaults: joins
// wait for one replica (--redis-wait-replicas 1), so the cluster's join is not comparable with the single
// Redis's. Redis CPU is summed over the six nodes (replication included).
let cluster: RedisClusterProcesses | undefined;
if (!values['no-cluster']) {
  try {
    cluster = await startRedisCluster();
    const onCluster: RedisUnderTest = { seeds: cluster.seeds, nodes: cluster.nodes.map((node) => `redis://${node.address}`) };
    specs.push(
      { name: 'status, Redis Cluster 3+3, 2 instances', kinds: ['cluster', 'cluster'], work: 'status', redis: onCluster },
      { name: 'join, Redis Cluster 3+3, 1 instance', kinds: ['cluster'], work: 'join', redis: onCluster },
    );
  } catch (error) {
    log(`  Redis Cluster cases skipped: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const prepared: Prepared[] = [];
/** Per case, per round: the case's sample and the baseline's, measured in alternation with it. */
const samples = specs.map(() => [] as { own: Sample; baseline: Sample }[]);
try {
  // Every server is started (and seeded) once, then warmed up: JIT, connection pools and Redis's script
  // cache are ready before anything is measured, and later rounds measure the same processes.
  const baseline = await prepare(baselineSpec);
  prepared.push(baseline);
  for (const spec of specs) prepared.push(await prepare(spec));
  if (warmup > 0) for (const p of prepared) await measure(p, warmup);
  // On a shared 2-core machine, what else runs changes from one second to the next. Each case is
  // therefore measured side by side with the baseline, in alternating slices (baseline, case, baseline,
  // case…), and its ratio is taken against those baseline slices only: a busy neighbour slows both.
  for (let r = 1; r <= rounds; r++) {
    for (const [i, spec] of specs.entries()) {
      log(`  round ${r}/${rounds}, ${spec.name}: ${seconds} s, alternating with the baseline…`);
      let own = EMPTY;
      let paired = EMPTY;
      for (let k = 0; k < slices; k++) {
        paired = add(paired, await measure(baseline, seconds / slices));
        own = add(own, await measure(prepared[i + 1]!, seconds / slices));
      }
      samples[i]!.push({ own, baseline: paired });
    }
  }
} finally {
  await stopTargets(prepared.flatMap((p) => p.targets));
  await redis?.stop();
  await cluster?.stop();
}

const summary = (list: readonly Sample[]) => ({
  reqPerSec: round(median(list.map(perSecond))),
  p99Ms: median(list.map((s) => s.p99Ms)),
  errors: list.reduce((sum, s) => sum + s.errors, 0),
  serverCpuUs: round(median(list.map((s) => perRequest(s.serverCpu, s))), 1),
  redisCpuUs: round(median(list.map((s) => perRequest(s.redisCpu, s))), 1),
  loadCpuUs: round(median(list.map((s) => perRequest(s.loadCpu, s))), 1),
});
const baseline = summary(samples.flatMap((list) => list.map((s) => s.baseline)));
const cases = samples.map((list, i) => {
  const ratios = list.map((s) => perSecond(s.own) / perSecond(s.baseline));
  return { name: specs[i]!.name, ...summary(list.map((s) => s.own)), ratioToBaseline: round(median(ratios), 2), ratioRange: [round(Math.min(...ratios), 2), round(Math.max(...ratios), 2)] };
});
const report = {
  baseline: { reqPerSec: baseline.reqPerSec, p99Ms: baseline.p99Ms, errors: baseline.errors },
  cases: cases.map(({ name, reqPerSec, ratioToBaseline, p99Ms, errors, ratioRange, serverCpuUs, redisCpuUs, loadCpuUs }) => ({
    name,
    reqPerSec,
    ratioToBaseline,
    p99Ms,
    errors,
    ratioRange,
    serverCpuUs,
    redisCpuUs,
    loadCpuUs,
  })),
  rounds,
  seconds,
  connections,
};
// With --json the table still goes to stderr (log), so that one run gives both.
if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
printTable();

function printTable(): void {
  const cpu = (c: { serverCpuUs: number; redisCpuUs: number; loadCpuUs: number }): string[] => [
    c.serverCpuUs.toFixed(0),
    c.redisCpuUs > 0 ? c.redisCpuUs.toFixed(1) : '-',
    c.loadCpuUs.toFixed(0),
  ];
  const rows = [
    ['case (medians)', 'req/s', '× baseline', 'range', 'p99 ms', 'errors', 'server CPU µs/req', 'Redis CPU µs/req', 'autocannon CPU µs/req'],
    [baselineSpec.name, String(baseline.reqPerSec), '1.00', '', String(baseline.p99Ms), String(baseline.errors), ...cpu(baseline)],
  ];
  for (const c of cases) {
    rows.push([c.name, String(c.reqPerSec), c.ratioToBaseline.toFixed(2), `${c.ratioRange[0]!.toFixed(2)}–${c.ratioRange[1]!.toFixed(2)}`, String(c.p99Ms), String(c.errors), ...cpu(c)]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
  log('Targets: status on memory ≥ 0.70× baseline, on Redis ≥ 0.40×, 0 errors. See docs/benchmarks-server.md.');
}
