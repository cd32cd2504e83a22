/**
 * The policies the surge benchmark compares, side by side on the same morning. A peer whose every request
 * would take too long to simulate on the full crowd runs on a proportionally scaled one (`populationShare`);
 * every figure compared is per pupil or a ratio (docs/benchmarks.md).
 */
import { DEFAULT_SCHEDULER_CONFIG, type SchedulerConfig } from '../core/scheduler.js';
import { antichambreModel } from './antichambre-model.js';
import type { AnyClientModel } from './client-model.js';
import { awsVwrSample, cloudflare20s, naive1s, vercelTiers } from './peer-models.js';

/**
 * The scheduler settings the benchmark measured as meeting every target (docs/benchmarks.md, "Tuning"):
 * the defaults, except that a second failure in a row already throttles retries (failureCost 2.5 of 10
 * tokens) and a throttled retry waits 2.4–3 min (capMs 180 s). A crowd that fails together then comes
 * back over three minutes instead of one, and the server that just recovered is not knocked down again.
 * With the 5-min pacing cap, the worst case stays inside the 10-min waiting TTL: 6 min + 1 s + 3 min.
 */
export const SURGE_SCHEDULER_CONFIG: SchedulerConfig = {
  ...DEFAULT_SCHEDULER_CONFIG,
  capMs: 180_000,
  budget: { maxTokens: 10, failureCost: 2.5, successRefund: 0.1 },
};

export interface Policy {
  readonly model: AnyClientModel;
  /** Share of the scenario's pupils this policy is simulated with (1: the full crowd). */
  readonly populationShare: number;
}

export const POLICIES: readonly Policy[] = [
  { model: antichambreModel(SURGE_SCHEDULER_CONFIG), populationShare: 1 },
  { model: { ...antichambreModel(DEFAULT_SCHEDULER_CONFIG), name: 'antichambre-default-config' }, populationShare: 1 },
  { model: cloudflare20s, populationShare: 1 },
  { model: vercelTiers, populationShare: 1 },
  // About 1,200 and 1,800 requests per pupil: a tenth of the crowd is plenty for per-pupil figures.
  { model: awsVwrSample, populationShare: 0.1 },
  { model: naive1s, populationShare: 0.1 },
];

export function policyNamed(name: string): Policy | undefined {
  return POLICIES.find((policy) => policy.model.name === name);
}
