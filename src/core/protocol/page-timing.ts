/**
 * What `<antichambre-session>` adds to a heartbeat: the server time of the page it sits on, from the
 * page's own Navigation Timing (responseStart − requestStart), and its status where the browser exposes
 * `responseStatus`. No extra request; at most one report a minute per ticket (the server counts no more).
 * The first page after admission (the login POST's answer) is marked and counts double (autopilot).
 */
import * as v from 'valibot';

export const PageTimingSchema = v.strictObject({
  /** responseStart − requestStart, ms; 10 minutes at most (longer is a sleeping laptop, not the ENT). */
  serverMs: v.pipe(v.number(), v.minValue(0), v.maxValue(600_000)),
  status: v.optional(v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(599))),
  firstPage: v.optional(v.boolean()),
});
export type PageTiming = v.InferOutput<typeof PageTimingSchema>;

/** A heartbeat's body: empty, or `{ "timing": PageTiming }`. Unknown fields are ignored (newer clients). */
export const HeartbeatBodySchema = v.object({ timing: v.optional(PageTimingSchema) });
export type HeartbeatBody = v.InferOutput<typeof HeartbeatBodySchema>;
