/**
 * Retry budget: a token bucket in the style of gRPC retry throttling (gRFC A6).
 * Every failure costs a token, every success refunds a fraction of one; when the bucket is at or below half,
 * retries are throttled. One pupil's budget drains after a handful of consecutive failures and refills only
 * through successes, so a server that keeps failing sees fewer and fewer retries, while a single blip costs
 * nothing noticeable. Pure and immutable: the scheduler and the simulator keep one per pupil.
 */
export interface RetryBudgetConfig {
  readonly maxTokens: number;
  readonly failureCost: number;
  readonly successRefund: number;
}

/** gRPC's published defaults: 10 tokens, a failure costs 1, a success refunds 0.1. */
export const DEFAULT_RETRY_BUDGET: RetryBudgetConfig = { maxTokens: 10, failureCost: 1, successRefund: 0.1 };

export interface RetryBudget {
  readonly tokens: number;
}

export function createRetryBudget(config: RetryBudgetConfig = DEFAULT_RETRY_BUDGET): RetryBudget {
  return { tokens: config.maxTokens };
}

export function spendRetryToken(budget: RetryBudget, config: RetryBudgetConfig = DEFAULT_RETRY_BUDGET): RetryBudget {
  return { tokens: clamp(budget.tokens - config.failureCost, config) };
}

export function refundRetryToken(budget: RetryBudget, config: RetryBudgetConfig = DEFAULT_RETRY_BUDGET): RetryBudget {
  return { tokens: clamp(budget.tokens + config.successRefund, config) };
}

/** True when tokens ≤ maxTokens / 2 (gRPC: "retries are throttled at or below the threshold"). */
export function isRetryThrottled(budget: RetryBudget, config: RetryBudgetConfig = DEFAULT_RETRY_BUDGET): boolean {
  return budget.tokens <= config.maxTokens / 2;
}

// Rounded to thousandths, as gRPC does with its milli-token integers: otherwise 0.1 added fifty times is not
// exactly 5, and whether a pupil is throttled would hinge on floating-point dust.
function clamp(tokens: number, config: RetryBudgetConfig): number {
  return Math.min(config.maxTokens, Math.max(0, Math.round(tokens * 1000) / 1000));
}
