/**
 * antichambre's own page, as a model: the real scheduler (src/core/wait/scheduler.ts) fed with the server's
 * `pollAfterMs` and network failures, exactly the decisions the widget's poll loop takes.
 */
import { type SchedulerConfig, type SchedulerState, DEFAULT_SCHEDULER_CONFIG, createSchedulerState, schedule } from '../core/wait/scheduler.js';
import { DEFAULT_STORE_OPTIONS } from '../server/stores/store-options-from-settings.js';
import type { ClientModel } from './client-model.js';

const NETWORK = { kind: 'network' } as const;

export function antichambreModel(config: SchedulerConfig = DEFAULT_SCHEDULER_CONFIG): ClientModel<SchedulerState> {
  return {
    name: 'antichambre',
    waitingTtlMs: DEFAULT_STORE_OPTIONS.waitingTtlMs,
    requestsPerPoll: 1,
    create: () => createSchedulerState(true, config),
    next(state, answer, now, random) {
      const event = answer.kind === 'ok' ? { kind: 'ok' as const, pollAfterMs: answer.pollAfterMs } : NETWORK;
      const decision = schedule(state, event, now, random, config);
      return decision.delayMs === null ? null : { state: decision.state, delayMs: decision.delayMs };
    },
  };
}
