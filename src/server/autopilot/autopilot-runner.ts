/**
 * Runs the law for one room on one instance: reads the room from the store, the signals from the probe
 * and the pupils' reports, decides, and writes seats and rate back through `configureRoom`, so the
 * decision reaches every instance the way an operator's change does. One log line per change.
 * Timers stay with the caller (`tick()` once a second); with Redis, only the lease holder ticks.
 */
import type { Store } from '../stores/store.js';
import { decide, LawAction, withinBounds, type LawDecision, type LawState, type LawTuning } from './law.js';
import { boundsOf, type AutopilotConfig } from './autopilot-config.js';
import type { SignalSummary } from './samples.js';

export interface SignalSource {
  summary(now: number, since?: number): SignalSummary | Promise<SignalSummary>;
}

export interface AutopilotRunnerOptions {
  store: Store;
  room: string;
  config: AutopilotConfig;
  pupils: SignalSource;
  probe?: SignalSource;
  now?: () => number;
  log?: (line: string) => void;
  /** The law's constants; tests compress time with it. */
  tuning?: Readonly<LawTuning>;
}

/** Admissions are measured over this much recent time to tell whether the rate binds (law.ts). */
const RATE_PROBE_MS = 10_000;
/** The store's sliding minute: the law never sets the rate under what it already counts (law.ts). */
const MINUTE_MS = 60_000;

export class AutopilotRunner {
  private state: LawState | undefined;
  private readonly admittedAt: Array<[number, number]> = [];
  /** The last logged action and reason, so a run of identical holds logs once. */
  private lastSaid = '';
  last: LawDecision | undefined;
  /** What each source summed up at the last tick (undefined: not set up), for /metrics. */
  evidence: { pupils?: SignalSummary; probe?: SignalSummary } = {};
  decisions = { up: 0, cut: 0, hold: 0 };

  constructor(private readonly options: AutopilotRunnerOptions) {}

  async tick(): Promise<LawDecision | undefined> {
    const { store, room, config, pupils, probe, log = console.log } = this.options;
    const now = (this.options.now ?? Date.now)();
    if (!config.on) return undefined; // off: the current values stay as they are
    const snapshot = await store.roomStatus(room, now);
    if (!snapshot) return undefined;
    const bounds = boundsOf(config);
    // A manual change while on moves the bounds, not the law: the law starts from what the room says now.
    const current = { capacity: snapshot.settings.capacity, admitPerMinute: snapshot.settings.admitPerMinute };
    if (!this.state || this.state.capacity !== current.capacity || this.state.admitPerMinute !== current.admitPerMinute) {
      this.state = withinBounds({ ...current, evidenceFrom: this.state?.evidenceFrom ?? now, changedAt: this.state?.changedAt ?? -Infinity }, bounds);
    }
    const since = this.state.evidenceFrom;
    const [pupilSummary, probeSummary] = await Promise.all([pupils.summary(now, since), probe?.summary(now, since)]);
    this.evidence = { pupils: pupilSummary, probe: probeSummary };
    const decision = decide(
      this.state,
      {
        now,
        pupils: pupilSummary,
        probe: probeSummary,
        waiting: snapshot.waiting,
        active: snapshot.active,
        ...this.admissions(now, snapshot.totals?.admitted),
      },
      bounds,
      this.options.tuning,
    );
    this.state = decision.state;
    this.last = decision;
    this.decisions[decision.action]++;
    const { capacity, admitPerMinute } = decision.state;
    if (capacity !== current.capacity || admitPerMinute !== current.admitPerMinute) {
      await store.configureRoom(room, { capacity, admitPerMinute }, now);
    }
    // Every move, and a hold when its reason changes: a hold logged each second is 86 400 lines a day
    // saying the same thing; /metrics counts every tick (antichambre_autopilot_decisions_total).
    const said = `${decision.action}:${decision.reason}`;
    if (decision.action !== LawAction.HOLD || said !== this.lastSaid) {
      this.lastSaid = said;
      log(
        JSON.stringify({
          autopilot: room,
          action: decision.action,
          reason: decision.reason,
          saw: { p95Ms: decision.observedP95Ms, waiting: snapshot.waiting, active: snapshot.active },
          from: current,
          to: { capacity, admitPerMinute },
        }),
      );
    }
    return decision;
  }

  private admissions(now: number, admitted: number | undefined): { admittingPerMinute: number; admittedLastMinute?: number } {
    if (admitted === undefined) return { admittingPerMinute: 0 };
    this.admittedAt.push([now, admitted]);
    while (this.admittedAt.length > 1 && this.admittedAt[0][0] < now - MINUTE_MS) this.admittedAt.shift();
    const [firstAt, first] = this.admittedAt.find(([at]) => at >= now - RATE_PROBE_MS)!;
    return {
      admittingPerMinute: now > firstAt ? ((admitted - first) * 60_000) / (now - firstAt) : 0,
      admittedLastMinute: admitted - this.admittedAt[0][1],
    };
  }
}
