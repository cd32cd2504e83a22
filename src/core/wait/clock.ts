/**
 * Time as an injected dependency, so every waiting behaviour can be replayed in a test or simulator.
 * Deadlines are computed from `now()` rather than trusting timers: Chrome delays timers in hidden tabs.
 */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
};

/** A source of numbers in [0, 1), like Math.random. */
export type Random = () => number;
