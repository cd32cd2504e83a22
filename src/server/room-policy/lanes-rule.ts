/**
 * What to write instead, when a room's `lanes` are refused (room-config-body.ts, rooms-file.ts): the lane
 * and the field at fault, the rule, and what was sent, e.g. `lanes[1].share must be above 0 and below 1 (0.3
 * is 30 % of the admissions while someone waits in the lane); got 1.5.`
 */
import type * as v from 'valibot';

const EXAMPLE = '[{"name": "personnels", "share": 0.3}, {"name": "parents", "share": 0.1, "window": {"from": "08:30", "timeZone": "Europe/Paris"}}]';

const RULES: Record<string, string> = {
  name: 'must be 1–32 characters of a-z, 0-9 and -, starting with a letter, and not "default" (the lane everyone else is in)',
  share: 'must be above 0 and below 1 (0.3 is 30 % of the admissions while someone waits in the lane)',
  window: 'must be {"from": "08:30", "to": "17:30", "timeZone": "Europe/Paris", "shareOutside": 0} ("to", "timeZone" and "shareOutside" optional)',
  from: 'must be a time of day "HH:MM", like "08:30"',
  to: 'must be a time of day "HH:MM", like "17:30" ("24:00" for the end of the day)',
  timeZone: 'must be an IANA time zone, like "Europe/Paris"',
  shareOutside: 'must be from 0 (nobody admitted from the lane outside its window) to below 1',
};

export function lanesRule(issue: v.BaseIssue<unknown>, lanes: unknown): string {
  const path = (issue.path ?? []).map((item) => item.key as string | number);
  const got = (value: unknown): string => JSON.stringify(value)?.slice(0, 64) ?? 'nothing';
  if (!Array.isArray(lanes)) return `lanes must be a list of lanes, like ${EXAMPLE}, or [] to remove them; got ${got(lanes)}.`;
  if (path.length <= 1) {
    if (lanes.length > 8) return `lanes: at most 8 lanes; got ${lanes.length}.`;
    const names = lanes.map((lane: { name?: unknown }) => lane?.name);
    const twice = names.find((name, i) => names.indexOf(name) !== i);
    if (twice !== undefined) return `lanes: each lane needs its own name; ${got(twice)} is there twice.`;
    const sum = lanes.reduce((total: number, lane: { share?: number; window?: { shareOutside?: number } }) => total + Math.max(lane.share ?? 0, lane.window?.shareOutside ?? 0), 0);
    return `lanes: the shares add up to ${Math.round(sum * 1000) / 1000}, at most 0.95 so that the default lane keeps 5 % of the admissions.`;
  }
  const where = path.slice(1).map((key) => (typeof key === 'number' ? `[${key}]` : `.${key}`)).join('');
  const field = path.at(-1);
  let value: unknown = lanes;
  for (const key of path.slice(1)) value = (value as Record<string | number, unknown> | undefined)?.[key];
  if (issue.expected === 'never') {
    return `lanes${where.replace(/\.[^.[]*$/, '')} has an unknown field "${String(field).slice(0, 32)}": a lane has name, share and window (from, to, timeZone, shareOutside).`;
  }
  const rule = typeof field === 'string' ? RULES[field] : undefined;
  return rule ? `lanes${where} ${rule}; got ${got(value)}.` : `lanes${where} must be a lane, like ${EXAMPLE}; got ${got(value)}.`;
}
