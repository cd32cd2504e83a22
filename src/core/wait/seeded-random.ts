/**
 * A small deterministic random source (mulberry32) for tests and the surge simulator.
 * Core modules take `random: () => number` as a parameter; production passes `Math.random`, tests and the
 * simulator pass this so every jittered schedule can be replayed from a seed.
 * 32 bits of state is plenty for jitter; it is not for anything secret.
 */
export function createSeededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    // The state walks by an odd constant (full 2^32 period); the output is a hash of it, so nearby seeds
    // (pupil 1, pupil 2, ...) give unrelated sequences.
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
