/**
 * A modelled ENT with a capacity the autopilot does not know. Work arrives as pages (cost 1) from active
 * sessions, logins (cost LOGIN_COST: the login POST builds the session, loads the timetable and the
 * messages) and retries of failed pages (the 2021 "bubbles": a pupil who holds a seat reloads what failed).
 * Utilisation ρ = work / capacity; the median page takes base/(1 − ρ) (a single queue's growth), pages
 * spread log-normally around it (p95 ≈ 1.9 × median), and beyond ρ = SATURATION the excess fails or times
 * out. Capacity is a function of time, so a node lost at 8:05 is `capacityAt` halving.
 */

/** A login costs four pages: measured ratio on a typical ENT (login POST + landing page with its widgets). */
export const LOGIN_COST = 4;
/** Past 95 % utilisation the excess work fails (timeouts at the reverse proxy). */
export const SATURATION = 0.95;
const SPREAD_SIGMA = 0.4;
const P95_OVER_MEDIAN = Math.exp(1.645 * SPREAD_SIGMA);

export interface EntModelOptions {
  /** Work units per second the ENT serves at time t (ms). */
  capacityAt: (nowMs: number) => number;
  /** Median page time of an idle ENT. */
  baseMs?: number;
  /** A page a session loads every this many seconds. */
  pageEveryS?: number;
  /** What a timed-out page is recorded as. */
  timeoutMs?: number;
}

export interface EntState {
  utilisation: number;
  medianMs: number;
  p95Ms: number;
  errorShare: number;
  /** Pages asked this step (including retries). */
  pages: number;
  failedPages: number;
}

export class EntModel {
  readonly baseMs: number;
  readonly pageEveryS: number;
  readonly timeoutMs: number;
  private retries = 0;
  last: EntState = { utilisation: 0, medianMs: 0, p95Ms: 0, errorShare: 0, pages: 0, failedPages: 0 };

  constructor(readonly options: EntModelOptions) {
    this.baseMs = options.baseMs ?? 120;
    this.pageEveryS = options.pageEveryS ?? 20;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** One step of `dtS` seconds with `active` sessions and `logins` new ones in it. */
  step(nowMs: number, dtS: number, active: number, logins: number): EntState {
    const pages = (active * dtS) / this.pageEveryS + this.retries;
    const work = pages + logins * LOGIN_COST;
    const utilisation = work / Math.max(1e-9, this.options.capacityAt(nowMs) * dtS);
    const errorShare = utilisation > SATURATION ? 1 - SATURATION / utilisation : 0;
    const medianMs = Math.min(this.timeoutMs, this.baseMs / Math.max(1 - SATURATION, 1 - utilisation));
    const failedPages = pages * errorShare;
    // Half the pupils whose page failed reload it in the next step; the others wait or give up.
    this.retries = failedPages * 0.5;
    this.last = { utilisation, medianMs, p95Ms: Math.min(this.timeoutMs, medianMs * P95_OVER_MEDIAN), errorShare, pages, failedPages };
    return this.last;
  }

  /** One page's time and outcome, as a pupil's Navigation Timing or the probe would see it. */
  samplePage(random: () => number): { latencyMs: number; error: boolean; timeout: boolean } {
    const { medianMs, errorShare } = this.last;
    if (random() < errorShare) return { latencyMs: this.timeoutMs, error: true, timeout: true };
    const latencyMs = Math.min(this.timeoutMs, medianMs * Math.exp(SPREAD_SIGMA * normal(random)));
    return { latencyMs, error: false, timeout: false };
  }

  /**
   * The sessions at which the p95 page meets `targetMs` at a given capacity, with `loginsPerS` arriving:
   * the knee the law should find (the oracle's answer).
   */
  kneeSessions(capacity: number, targetMs: number, loginsPerS = 0): number {
    const utilisation = Math.min(SATURATION, 1 - (this.baseMs * P95_OVER_MEDIAN) / targetMs);
    return Math.max(0, (utilisation * capacity - loginsPerS * LOGIN_COST) * this.pageEveryS);
  }
}

function normal(random: () => number): number {
  const u = Math.max(1e-12, random());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
