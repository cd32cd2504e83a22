/**
 * HTTP-date (RFC 9110 §5.6.7), for a `Retry-After` that is not delay-seconds. Our server sends seconds;
 * dates come from proxies and CDNs, rarely, so the widget loads this file on demand (retry-after.ts).
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
// The three forms recipients must accept (RFC 9110 §5.6.7). Date.parse is not used: it accepts far more,
// and reads the asctime form in the browser's local time zone instead of GMT.
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ([A-Z][a-z]{2}) (\\d{4}) ${TIME} GMT$`);
const RFC850_DATE = new RegExp(`^${LONG_DAY}, (\\d{2})-([A-Z][a-z]{2})-(\\d{2}) ${TIME} GMT$`);
const ASCTIME_DATE = new RegExp(`^${DAY} ([A-Z][a-z]{2}) ([ \\d]\\d) ${TIME} (\\d{4})$`);

/** Epoch ms of an HTTP-date in any of its three forms, or null when it is not one. */
export function parseHttpDate(value: string, nowMs: number): number | null {
  let m = IMF_FIXDATE.exec(value);
  if (m) return toUtc(Number(m[3]), m[2], m[1], m.slice(4, 7));
  m = RFC850_DATE.exec(value);
  if (m) return toUtc(fullYear(Number(m[3]), nowMs), m[2], m[1], m.slice(4, 7));
  m = ASCTIME_DATE.exec(value);
  if (m) return toUtc(Number(m[6]), m[1], m[2], m.slice(3, 6));
  return null;
}

/** RFC 9110: a two-digit year more than 50 years ahead means the most recent past year with those digits. */
function fullYear(twoDigits: number, nowMs: number): number {
  const thisYear = new Date(nowMs).getUTCFullYear();
  const year = thisYear - (thisYear % 100) + twoDigits;
  return year > thisYear + 50 ? year - 100 : year;
}

function toUtc(year: number, monthName: string, dayText: string, time: string[]): number | null {
  const month = MONTHS.indexOf(monthName);
  const day = Number(dayText.trim());
  const [hour, minute, second] = time.map(Number);
  if (month < 0 || hour > 23 || minute > 59 || second > 60) return null;
  const ms = Date.UTC(year, month, day, hour, minute, second);
  // Rejects 31 Feb and friends, which Date.UTC would silently roll into March.
  return new Date(Date.UTC(year, month, day)).getUTCDate() === day ? ms : null;
}
