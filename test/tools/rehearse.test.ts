import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { startServer, type RunningServer } from '../../src/server/http/serve.js';
import { rehearse } from '../../tools/rehearse/rehearse.js';
import { countFifoInversions } from '../../tools/rehearse/fifo-inversions.js';

let server: RunningServer;

before(async () => {
  // What docs/capacity.md tells operators: the target believes the rehearsing host's X-Forwarded-For.
  // 15 seats a room for 40 pupils a room: most wait, poll and are let in as others release.
  server = await startServer({ port: 0, trustProxy: ['127.0.0.1'], capacity: 15, admitPerMinute: 6000, shutdownGraceMs: 500 });
});
after(() => server.close());

test('200 virtual pupils over 5 rooms wait, get in in join order, beat and release, and nothing is lost', async () => {
  const progress: number[] = [];
  const report = await rehearse(
    { target: server.origin, pupils: 200, rooms: 5, minutes: 5 / 60, sessionSeconds: 1, heartbeatSeconds: 0.4 },
    (p) => progress.push(p.arrived),
  );
  assert.equal(report.pupils, 200);
  assert.equal(report.arrived, 200, 'every pupil arrived within the run');
  assert.ok(report.admitted >= 100, `most pupils got in (${report.admitted})`);
  assert.ok(report.released >= report.admitted - 15, `admitted pupils released their seats (${report.released} of ${report.admitted})`);
  assert.ok(report.latencyMs.status.count > 0, 'some pupils waited and polled');
  assert.ok(report.latencyMs.heartbeat.count > 0, 'admitted pupils sent heartbeats');
  assert.equal(report.placesLost, 0);
  assert.equal(report.fifoInversions, 0);
  assert.deepEqual(Object.keys(report.errorsByCode), [], 'no error: one address per pupil, so no join limit');
  assert.ok(progress.length >= 3, 'progress reported every second');
  // The --json object operators and CI read.
  const json = JSON.parse(JSON.stringify(report)) as Record<string, unknown>;
  for (const field of ['pupils', 'admitted', 'placesLost', 'fifoInversions', 'requestsPerAdmitted']) assert.equal(typeof json[field], 'number', field);
  assert.equal(typeof json.errorsByCode, 'object');
  for (const name of ['join', 'status', 'heartbeat', 'release']) {
    const latency = (json.latencyMs as Record<string, { p50Ms: number; p95Ms: number; p99Ms: number; count: number }>)[name]!;
    assert.ok(latency.p50Ms <= latency.p95Ms && latency.p95Ms <= latency.p99Ms, `${name} percentiles in order`);
  }
  assert.deepEqual((json.endpoints as { name: string }[]).map((e) => e.name), ['join', 'status', 'heartbeat', 'release']);
  assert.ok(report.requestsPerAdmitted >= 3, 'a pupil costs at least a join, a heartbeat and a release');
});

test('a target on another machine is refused before any request unless --allow-remote', async () => {
  await assert.rejects(rehearse({ target: 'http://192.0.2.10:8080', pupils: 10, rooms: 1, minutes: 0.01 }), { name: 'RehearsalError', code: 'remote-target' });
  const cli = spawnSync(process.execPath, ['--import', 'tsx', 'tools/rehearse/cli.ts', '--target', 'https://staging.example', '--pupils', '10'], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(cli.status, 2);
  assert.match(cli.stderr, /staging\.example is not this machine.*--allow-remote/);
});

test('the FIFO check counts a pupil let in while one who joined before it was still told to wait', () => {
  // a joined (answered at 10) before b sent its join (at 20); b admitted at 50.
  const a = { room: 'r', joinSentAt: 0, joinAckAt: 10, lastWaitingSentAt: 40, admittedAt: 90 };
  const b = { room: 'r', joinSentAt: 20, joinAckAt: 30, admittedAt: 50 };
  assert.equal(countFifoInversions([a, b]), 0, 'a was last told "waiting" before b got in: in order');
  assert.equal(countFifoInversions([{ ...a, lastWaitingSentAt: 60 }, b]), 1, 'a still waiting after b got in');
  assert.equal(countFifoInversions([{ ...a, lastWaitingSentAt: 60, room: 'other' }, b]), 0, 'other rooms have their own line');
  assert.equal(countFifoInversions([{ ...a, joinAckAt: 25, lastWaitingSentAt: 60 }, b]), 0, 'overlapping joins have no order');
});
