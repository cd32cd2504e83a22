import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Probe } from '../../../src/server/autopilot/probe.js';
import { decide, LAW_TUNING, type AutopilotBounds, type LawState } from '../../../src/server/autopilot/law.js';

/** A slow "ENT": a pool of workers, each page holds one for `serviceMs`, a FIFO queue in front. */
function slowEnt(serviceMs: number): { server: Server; setPool: (n: number) => void; url: Promise<string> } {
  let pool = 4;
  let busy = 0;
  const queue: Array<() => void> = [];
  const next = (): void => {
    while (busy < pool && queue.length > 0) {
      busy++;
      const run = queue.shift()!;
      setTimeout(() => {
        busy--;
        run();
        next();
      }, serviceMs);
    }
  };
  const server = createServer((_request, response) => {
    queue.push(() => response.end('ok'));
    next();
  });
  const url = new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/page`)));
  return { server, setPool: (n) => void ((pool = n), next()), url };
}

test('against a real slow HTTP server the probe and the law reach its knee, and cut when its pool halves', async () => {
  const ent = slowEnt(25);
  const url = await ent.url;
  const targetMs = 150;
  const bounds: AutopilotBounds = { targetMs, minCapacity: 2, maxCapacity: 200, minAdmitPerMinute: 60, maxAdmitPerMinute: 60_000 };
  // Time compressed ×32 from the server's defaults (8 s between steps → 250 ms), bigger steps, so the test lasts 6 s.
  const tuning = { ...LAW_TUNING, upEveryMs: 250, maxUpStep: 0.2, minProbeSamples: 8 };
  const probe = new Probe({ url, intervalMs: 25, timeoutMs: 1_000, windowMs: 1_000, sliceMs: 100 });
  let law: LawState = { capacity: 4, admitPerMinute: 60_000, evidenceFrom: 0, changedAt: 0 };
  let active = 0;
  let stop = false;
  // Pupils: while a seat is free one enters, loads a page every 100 ms for 0.4–0.8 s, and leaves.
  const session = async (): Promise<void> => {
    const leaveAt = Date.now() + 400 + Math.random() * 400;
    while (!stop && Date.now() < leaveAt) {
      await fetch(url)
        .then((r) => r.arrayBuffer())
        .catch(() => undefined); // the ENT closes at the end of the test
      await sleep(100);
    }
    active--;
  };
  const admitter = setInterval(() => {
    while (active < law.capacity) {
      active++;
      void session();
    }
  }, 10);
  probe.start();
  const trace: Array<{ at: number; capacity: number; p95: number }> = [];
  const started = Date.now();
  const lawTimer = setInterval(() => {
    const now = Date.now();
    const decision = decide(law, { now, probe: probe.summary(now, law.evidenceFrom), waiting: 1, active, admittingPerMinute: 0 }, bounds, tuning);
    law = decision.state;
    trace.push({ at: now - started, capacity: law.capacity, p95: probe.summary().p95Ms });
  }, 50);
  try {
    await sleep(3_500);
    const beforeHalving = law.capacity;
    const lastSecond = trace.filter((point) => point.at > Date.now() - started - 1_000);
    const p95Before = lastSecond.reduce((sum, point) => sum + point.p95, 0) / lastSecond.length;
    ent.setPool(2);
    const halvedAt = Date.now() - started;
    await sleep(2_000);
    const afterHalving = law.capacity;
    const cutAt = trace.find((point) => point.at > halvedAt && point.capacity < beforeHalving)?.at;
    // 4 workers × 25 ms = 160 pages/s; a seat asks one per 100 ms + latency, so ~14 seats saturate it.
    assert.ok(beforeHalving >= 6, `seats before halving ${beforeHalving}`);
    // It went as far as the knee (pages within half the target at least once), and stays near it.
    const highest = Math.max(...trace.filter((point) => point.at < halvedAt).map((point) => point.p95));
    assert.ok(highest >= 0.5 * targetMs, `highest probe p95 before halving ${highest} ms`);
    // Near it: the mean p95 of the last second within 2× the target (the law cuts at the target and the
    // ENT's queue answers a cut only as the sessions above it leave, 0.4–0.8 s here).
    assert.ok(p95Before <= 2 * targetMs, `mean probe p95 over the last second before halving ${Math.round(p95Before)} ms`);
    assert.ok(cutAt !== undefined && cutAt - halvedAt <= 1_000, `cut ${cutAt === undefined ? 'never' : cutAt - halvedAt + ' ms'} after halving`);
    assert.ok(afterHalving < beforeHalving && afterHalving >= bounds.minCapacity, `seats after halving ${afterHalving}`);
  } finally {
    stop = true;
    clearInterval(admitter);
    clearInterval(lawTimer);
    probe.stop();
    await sleep(50);
    ent.server.closeAllConnections();
    await new Promise((resolve) => ent.server.close(resolve));
  }
});

test('a probe that gets no answer within its timeout records timeouts, which the law reads as a breach', async () => {
  let now = 0;
  const probe = new Probe({ url: 'http://ent.invalid/', timeoutMs: 30, now: () => now, fetch: (_url, init) => new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('aborted')))) });
  await Promise.all([probe.once(), probe.once()]);
  now = 500;
  const summary = probe.summary();
  assert.equal(summary.samples, 2);
  assert.equal(summary.timeoutShare, 1);
});
