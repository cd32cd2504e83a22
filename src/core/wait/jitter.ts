/**
 * Jitter helpers. Randomness is injected (`random` returns [0, 1)), so a seeded source makes every spread
 * reproducible. Jitter is what keeps thousands of pupils who were told the same thing at the same moment
 * from coming back on the same millisecond.
 */

/** Uniform in [min, max). If max < min, returns min: a lower bound always wins. */
export function uniformBetween(min: number, max: number, random: () => number): number {
  return max <= min ? min : min + random() * (max - min);
}

/**
 * "Full jitter" backoff (AWS Architecture Blog, "Exponential Backoff and Jitter"): uniform between a small
 * floor and the exponential ceiling. The floor keeps a retry from ever being immediate.
 */
export function fullJitter(ceilingMs: number, floorMs: number, random: () => number): number {
  return uniformBetween(floorMs, Math.max(floorMs, ceilingMs), random);
}

/** `ms` ± `ratio` (e.g. 0.2 → uniform in [0.8·ms, 1.2·ms)). */
export function proportionalJitter(ms: number, ratio: number, random: () => number): number {
  return uniformBetween(ms * (1 - ratio), ms * (1 + ratio), random);
}
