/**
 * The autopilot of one room on a running server: the pupils' reports (from heartbeats), the probe, the
 * runner ticking once a second and its `/metrics` gauges. With Redis, pupils' samples are shared through
 * Redis and only the instance holding the lease probes and runs the law; its decisions reach the other
 * instances through the room's settings in the store, as an operator's change would.
 */
import { randomUUID } from 'node:crypto';
import type { Redis, Cluster } from 'ioredis';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Store } from '../stores/store.js';
import type { PageTiming } from '../../core/protocol/page-timing.js';
import type { AutopilotConfig } from './autopilot-config.js';
import { AutopilotRunner, type SignalSource } from './autopilot-runner.js';
import { AutopilotLease } from './autopilot-lease.js';
import { Probe, type ProbeOptions } from './probe.js';
import { PupilSamples, PupilReportOutcome, FIRST_PAGE_WEIGHT, PUPIL_TRIM_SHARE } from './samples.js';
import { RedisSamples, sharedSignal } from './redis-samples.js';
import type { LawTuning } from './law.js';

export interface StartAutopilotOptions {
  store: Store;
  room: string;
  config: AutopilotConfig;
  /** Shares samples and elects the leader; absent: this instance alone steers. */
  redis?: Redis | Cluster;
  registry?: Registry;
  now?: () => number;
  log?: (line: string) => void;
  tickMs?: number;
  probe?: Partial<ProbeOptions>;
  tuning?: Readonly<LawTuning>;
}

export interface RunningAutopilot {
  /** Give to createApp's `pageTimings`. */
  pageTimings: (room: string, id: string, timing: PageTiming, now: number) => void;
  runner: AutopilotRunner;
  stop(): Promise<void>;
}

export function startAutopilot(options: StartAutopilotOptions): RunningAutopilot {
  const { store, room, config, redis, registry, now = Date.now, log = console.log, tickMs = 1_000 } = options;
  const pupils = new PupilSamples();
  const shared = redis ? new RedisSamples(redis, room, 'pupils', 5_000, 60_000) : undefined;
  const pupilSignal: SignalSource = shared ? sharedSignal(shared, PUPIL_TRIM_SHARE) : pupils;
  const probe = config.probeUrl ? new Probe({ url: config.probeUrl, now, ...options.probe }) : undefined;
  const runner = new AutopilotRunner({ store, room, config, pupils: pupilSignal, probe, now, log, tuning: options.tuning });
  const lease = redis ? new AutopilotLease(redis, room, randomUUID()) : undefined;
  const gauges = registry ? autopilotMetrics(registry) : undefined;

  const pageTimings = (timingRoom: string, id: string, timing: PageTiming, at: number): void => {
    if (timingRoom !== room) return;
    const sample = { latencyMs: timing.serverMs, error: (timing.status ?? 200) >= 500, firstPage: timing.firstPage };
    if (pupils.report(id, sample, at) === PupilReportOutcome.COUNTED) shared?.add(sample, at, timing.firstPage ? FIRST_PAGE_WEIGHT : 1);
  };

  let running = false;
  const tick = async (): Promise<void> => {
    if (running) return; // a slow store must not stack ticks
    running = true;
    try {
      await shared?.publish();
      const leading = lease ? await lease.acquire() : true;
      if (leading) probe?.start();
      else return void probe?.stop();
      const decision = await runner.tick();
      if (decision && gauges) {
        gauges.seats.set({ room }, decision.state.capacity);
        gauges.rate.set({ room }, decision.state.admitPerMinute);
        gauges.p95.set({ room }, decision.observedP95Ms);
        gauges.decisions.inc({ room, action: decision.action });
      }
    } catch (error) {
      log(JSON.stringify({ autopilot: room, error: error instanceof Error ? error.message : String(error) }));
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), tickMs);
  timer.unref();
  return {
    pageTimings,
    runner,
    async stop() {
      clearInterval(timer);
      probe?.stop();
      await lease?.release().catch(() => undefined);
    },
  };
}

function autopilotMetrics(registry: Registry) {
  const registers = [registry];
  const gauge = (name: string, help: string) => new Gauge({ name, help, labelNames: ['room'] as const, registers });
  return {
    seats: gauge('antichambre_autopilot_seats', 'Seats the autopilot set at its last tick.'),
    rate: gauge('antichambre_autopilot_admit_per_minute', 'Admissions per minute the autopilot set at its last tick.'),
    p95: gauge('antichambre_autopilot_observed_p95_ms', 'Worst p95 (pupils, probe) of the evidence of its last tick; 0 without enough.'),
    decisions: new Counter({ name: 'antichambre_autopilot_decisions_total', help: 'Ticks of the law by outcome.', labelNames: ['room', 'action'] as const, registers }),
  };
}
