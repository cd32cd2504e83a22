import type { TicketStatus } from '../protocol/protocol.js';

/** Estimated wait in whole minutes, widened outwards: better "4 to 6" than a precise-looking wrong "5". */
export interface EtaRange {
  low: number;
  high: number;
}

export function etaRange({ etaSeconds, etaLowSeconds, etaHighSeconds }: Pick<TicketStatus, 'etaSeconds' | 'etaLowSeconds' | 'etaHighSeconds'>): EtaRange | null {
  // A bare point estimate gets a ±20 % band: the admission rate of a surge is never that regular.
  const low = etaLowSeconds ?? (etaSeconds === null ? null : etaSeconds * 0.8);
  const high = etaHighSeconds ?? (etaSeconds === null ? null : etaSeconds * 1.2);
  if (low === null || high === null) return null;
  const lowMinutes = Math.floor(Math.min(low, high) / 60);
  return { low: lowMinutes, high: Math.max(lowMinutes, Math.ceil(Math.max(low, high) / 60)) };
}

/** 0–100: how far the pupil has come from their position at join to the front of the line (position 1). */
export function queueProgress(joinPosition: number, position: number): number {
  if (joinPosition <= 1) return 100;
  const done = (joinPosition - position) / (joinPosition - 1);
  return Math.round(100 * Math.min(1, Math.max(0, done)));
}
