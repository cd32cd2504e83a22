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
import { PupilSamples, PUPIL_TRIM_SHARE, cappedSample, validLatency } from './samples.js';
import { RedisReportGate, RedisSamples, sharedSignal } from './redis-samples.js';
import type { LawDecision, LawTuning } from './law.js';

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
  /** Each decision of the law, for the admin API's "last decision" (autopilot-store.ts). */
  onDecision?: (decision: LawDecision) => void;
  /**
   * Read before each tick: an operator's "off" freezes the room at once on the instance that steers, not
   * at the supervisor's next poll (2 s, two decisions that could still move the seats after the PUT).
   */
  stillOn?: () => Promise<boolean>;
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

  const gate = redis ? new RedisReportGate(redis, room) : undefined;
  const pageTimings = (timingRoom: string, id: string, timing: PageTiming, at: number): void => {
    if (timingRoom !== room) return;
    const sample = { latencyMs: timing.serverMs, error: (timing.status ?? 200) >= 500, firstPage: timing.firstPage };
    if (!gate || !shared) return void pupils.report(id, sample, at);
    if (!validLatency(sample.latencyMs)) return;
    // Shared: the once-a-minute and first-page marks live in Redis, so a pupil's heartbeats spread over
    // several instances still vote once a minute. A Redis fault loses the report, never the heartbeat.
    gate.admit(id, timing.firstPage).then(
      (weight) => void (weight > 0 && shared.add(cappedSample(sample), at, weight)),
      () => undefined,
    );
  };

  // stop() may land while a tick waits on Redis or the store: the tick checks `stopped` after each await,
  // and stop() waits for it, so a tick in flight never retakes the lease nor restarts the probe after.
  let stopped = false;
  let inFlight: Promise<void> | undefined;
  const tick = async (): Promise<void> => {
    try {
      await shared?.publish();
      if (stopped) return;
      const leading = lease ? await lease.acquire() : true;
      if (stopped) return;
      if (leading) probe?.start();
      else return void probe?.stop();
      if (options.stillOn && !(await options.stillOn())) return;
      if (stopped) return;
      const decision = await runner.tick();
      if (stopped) return;
      if (decision) options.onDecision?.(decision);
      if (decision && gauges) {
        gauges.seats.set({ room }, decision.state.capacity);
        gauges.rate.set({ room }, decision.state.admitPerMinute);
        gauges.p95.set({ room }, decision.observedP95Ms);
        gauges.decisions.inc({ room, action: decision.action });
        for (const [source, summary] of Object.entries(runner.evidence)) {
          if (!summary) continue;
          gauges.samples.set({ room, source }, summary.samples);
          gauges.sourceP95.set({ room, source }, summary.p95Ms);
        }
      }
    } catch (error) {
      log(JSON.stringify({ autopilot: room, error: error instanceof Error ? error.message : String(error) }));
    }
  };
  // A slow store must not stack ticks: one at a time.
  const timer = setInterval(() => void (inFlight ??= tick().finally(() => (inFlight = undefined))), tickMs);
  timer.unref();
  return {
    pageTimings,
    runner,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await inFlight;
      probe?.stop();
      await lease?.release().catch(() => undefined);
    },
  };
}

function autopilotMetrics(registry: Registry) {
  const registers = [registry];
  // One set of series per registry, labelled by room: every room's autopilot (and a restarted one) shares them.
  const known = metricsOf.get(registry);
  if (known) return known;
  const gauge = (name: string, help: string) => new Gauge({ name, help, labelNames: ['room'] as const, registers });
  const metrics = {
    seats: gauge('antichambre_autopilot_seats', 'Seats the autopilot set at its last tick.'),
    rate: gauge('antichambre_autopilot_admit_per_minute', 'Admissions per minute the autopilot set at its last tick.'),
    p95: gauge('antichambre_autopilot_observed_p95_ms', 'Worst p95 (pupils, probe) of the evidence of its last tick; 0 without enough.'),
    decisions: new Counter({ name: 'antichambre_autopilot_decisions_total', help: 'Ticks of the law by outcome.', labelNames: ['room', 'action'] as const, registers }),
    // Per source (pupils, probe): what the law weighed at its last tick, the evidence since its last change.
    samples: new Gauge({ name: 'antichambre_autopilot_samples', help: 'Samples (weight) of each source since the last change, at the last tick.', labelNames: ['room', 'source'] as const, registers }),
    sourceP95: new Gauge({ name: 'antichambre_autopilot_p95_ms', help: "Each source's p95 since the last change, at the last tick (believed from its minimum samples).", labelNames: ['room', 'source'] as const, registers }),
  };
  metricsOf.set(registry, metrics);
  return metrics;
}
const metricsOf = new WeakMap<Registry, AutopilotMetrics>();
type AutopilotMetrics = {
  seats: Gauge<'room'>;
  rate: Gauge<'room'>;
  p95: Gauge<'room'>;
  decisions: Counter<'room' | 'action'>;
  samples: Gauge<'room' | 'source'>;
  sourceP95: Gauge<'room' | 'source'>;
};
