/**
 * The operator's side of the autopilot: `autopilot: { on, targetMs, probeUrl, minCapacity, maxCapacity,
 * minAdmitPerMinute, maxAdmitPerMinute }`, validated at the boundary (admin API, flags) with messages an
 * operator can act on.
 */
import * as v from 'valibot';
import type { AutopilotBounds } from './law.js';

const count = (max: number) => v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(max));

export const AutopilotConfigSchema = v.pipe(
  v.strictObject({
    on: v.boolean(),
    /** p95 server time of the ENT's pages to stay under; 100 ms–60 s. */
    targetMs: v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(60_000)),
    /** A page that touches the ENT's session store (not a static or cached one); optional. */
    probeUrl: v.optional(v.pipe(v.string(), v.url(), v.regex(/^https?:\/\//, 'probeUrl must be an http(s) URL'))),
    minCapacity: count(10_000_000),
    maxCapacity: count(10_000_000),
    minAdmitPerMinute: v.pipe(count(10_000_000), v.minValue(1)),
    maxAdmitPerMinute: v.pipe(count(10_000_000), v.minValue(1)),
  }),
  v.check((c) => c.minCapacity <= c.maxCapacity, 'minCapacity must not exceed maxCapacity'),
  v.check((c) => c.minAdmitPerMinute <= c.maxAdmitPerMinute, 'minAdmitPerMinute must not exceed maxAdmitPerMinute'),
);
export type AutopilotConfig = v.InferOutput<typeof AutopilotConfigSchema>;

export function boundsOf(config: AutopilotConfig): AutopilotBounds {
  const { targetMs, minCapacity, maxCapacity, minAdmitPerMinute, maxAdmitPerMinute } = config;
  return { targetMs, minCapacity, maxCapacity, minAdmitPerMinute, maxAdmitPerMinute };
}
