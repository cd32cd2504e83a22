/**
 * The policies the surge benchmark compares, side by side on the same morning. A peer whose every request
 * would take too long to simulate on the full crowd runs on a proportionally scaled one (`populationShare`);
 * every figure compared is per pupil or a ratio (docs/benchmarks.md).
 */
import { DEFAULT_SCHEDULER_CONFIG, type SchedulerConfig } from '../core/wait/scheduler.js';
import { antichambreModel } from './antichambre-model.js';
import type { AnyClientModel } from './client-model.js';
import { awsVwrSample, cloudflare20s, naive1s, vercelTiers } from './peer-models.js';

/** What gRPC's published retry budget (a failure costs 1) and a 60-s throttle would do: for comparison. */
const GRPC_BUDGET_CONFIG: SchedulerConfig = {
  ...DEFAULT_SCHEDULER_CONFIG,
  throttledDelayMs: 60_000,
  budget: { maxTokens: 10, failureCost: 1, successRefund: 0.1 },
};

export interface Policy {
  readonly model: AnyClientModel;
  /** Share of the scenario's pupils this policy is simulated with (1: the full crowd). */
  readonly populationShare: number;
}

export const POLICIES: readonly Policy[] = [
  { model: antichambreModel(DEFAULT_SCHEDULER_CONFIG), populationShare: 1 },
  { model: { ...antichambreModel(GRPC_BUDGET_CONFIG), name: 'antichambre-grpc-budget' }, populationShare: 1 },
  { model: cloudflare20s, populationShare: 1 },
  { model: vercelTiers, populationShare: 1 },
  // About 1,200 and 1,800 requests per pupil: a tenth of the crowd is plenty for per-pupil figures.
  { model: awsVwrSample, populationShare: 0.1 },
  { model: naive1s, populationShare: 0.1 },
];

export function policyNamed(name: string): Policy | undefined {
  return POLICIES.find((policy) => policy.model.name === name);
}
