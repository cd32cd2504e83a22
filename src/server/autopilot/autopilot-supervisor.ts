/**
 * Every room's autopilot on a running server: reads the configs (autopilot-store.ts) every `pollMs`, so a
 * PUT on any instance reaches the one that steers within a poll; starts the law for each room that is on,
 * restarts it when its config changes, and stops it when turned off, which leaves the room's seats and
 * rate where the law last put them (the freeze). With Redis, each room's law runs only on its lease holder
 * (start-autopilot.ts). 2 s: a config change costs at most one missed second of steering beyond the tick.
 */
import type { Registry } from 'prom-client';
import type { Store } from '../stores/store.js';
import type { PageTiming } from '../../core/protocol/page-timing.js';
import type { AutopilotStore } from './autopilot-store.js';
import type { AutopilotConfig } from './autopilot-config.js';
import type { SteeringBounds } from '../room-policy/pacing.js';
import { startAutopilot, type RunningAutopilot, type StartAutopilotOptions } from './start-autopilot.js';

export interface AutopilotSupervisorOptions {
  store: Store;
  configs: AutopilotStore;
  redis?: StartAutopilotOptions['redis'];
  registry?: Registry;
  now?: () => number;
  log?: (line: string) => void;
  pollMs?: number;
  /** Passed to each room's autopilot (tests compress time with them). */
  tickMs?: number;
  probe?: StartAutopilotOptions['probe'];
  tuning?: StartAutopilotOptions['tuning'];
}

export interface AutopilotSupervisor {
  /** Give to createApp's `pageTimings`: a report reaches its room's autopilot, if it runs here. */
  pageTimings: (room: string, id: string, timing: PageTiming, now: number) => void;
  /** The rate bounds of a room whose autopilot is on (and so may move its rate), else null: for the ETA ranges. */
  steering(room: string): SteeringBounds | null;
  /** Reads the configs now instead of at the next poll. */
  poll(): Promise<void>;
  stop(): Promise<void>;
}

export function superviseAutopilots(options: AutopilotSupervisorOptions): AutopilotSupervisor {
  const { configs, now = Date.now, log = console.log, pollMs = 2_000 } = options;
  const running = new Map<string, { key: string; config: AutopilotConfig; autopilot: RunningAutopilot }>();
  /** Per room, the last tick that judged on enough samples (observed p95 above 0). */
  const evidenceAt = new Map<string, string>();
  let stopped = false;
  let polling: Promise<void> | undefined;

  const stopRoom = async (room: string): Promise<void> => {
    const entry = running.get(room);
    running.delete(room);
    await entry?.autopilot.stop();
  };

  const reconcile = async (): Promise<void> => {
    let wanted: Awaited<ReturnType<AutopilotStore['list']>>;
    try {
      wanted = await configs.list();
    } catch (error) {
      // A Redis fault: the rooms keep steering as they were until the configs can be read again.
      return log(JSON.stringify({ autopilot: '*', error: `cannot read the autopilot configs: ${error instanceof Error ? error.message : String(error)}` }));
    }
    if (stopped) return;
    for (const room of running.keys()) if (!wanted.get(room)?.on) await stopRoom(room);
    for (const [room, config] of wanted) {
      if (!config.on || stopped) continue;
      const key = JSON.stringify(config);
      if (running.get(room)?.key === key) continue;
      await stopRoom(room);
      const autopilot = startAutopilot({
        store: options.store,
        room,
        config,
        redis: options.redis,
        registry: options.registry,
        now,
        log,
        tickMs: options.tickMs,
        probe: options.probe,
        tuning: options.tuning,
        // Not only on: the same config. A law on the old bounds would clamp a manual raise above its
        // ceiling back (1 000 seats → 40) before the next poll restarts it on the new ones.
        stillOn: async () => JSON.stringify(await configs.get(room)) === key,
        onDecision: (decision) => {
          const at = new Date(now()).toISOString();
          if (decision.observedP95Ms > 0) evidenceAt.set(room, at);
          void configs.recordDecision(room, { action: decision.action, reason: decision.reason, at, evidenceAt: evidenceAt.get(room) }).catch(() => undefined);
        },
      });
      running.set(room, { key, config, autopilot });
    }
  };

  const poll = (): Promise<void> => (polling ??= reconcile().finally(() => (polling = undefined)));
  const timer = setInterval(() => void poll(), pollMs);
  timer.unref();
  void poll();

  return {
    pageTimings: (room, id, timing, at) => running.get(room)?.autopilot.pageTimings(room, id, timing, at),
    steering(room) {
      const config = running.get(room)?.config;
      return config ? { minAdmitPerMinute: config.minAdmitPerMinute, maxAdmitPerMinute: config.maxAdmitPerMinute } : null;
    },
    poll,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await polling;
      await Promise.all([...running.keys()].map(stopRoom));
    },
  };
}
