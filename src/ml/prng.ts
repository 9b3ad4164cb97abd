/**
 * Small seeded PRNG helpers for the tabular-ML code (splits, bootstraps, feature sampling).
 * mulberry32 is fast, has a 2^32 period and is plenty for resampling; it is not cryptographic.
 */

/** A function returning uniform floats in [0, 1). */
export type Rng = () => number;

/** Seeded mulberry32 generator: same seed → same stream on every platform. */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform integer in [0, n). */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/** Fisher–Yates shuffle, in place; returns the same array for chaining. */
export function shuffleInPlace<T extends { length: number; [index: number]: number }>(items: T, rng: Rng): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}
