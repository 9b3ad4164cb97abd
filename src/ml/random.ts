/**
 * Seeded pseudo-random numbers: one module, two generators. Both are pure JS and deterministic across platforms
 * (the same seed gives the same numbers in an activity, a test or a benchmark); neither is cryptographic.
 *
 * - `createRng` (xoshiro128** seeded through splitmix32): 53-bit floats, integers and normals. Segmentation
 *   (k-means, Gaussian mixture) and benchmarks use it.
 * - `mulberry32`: a bare `UniformRng` with a 32-bit state, plenty for resampling. The tabular classifiers (splits,
 *   bootstraps, feature sampling) and the sample-data generators use it; their fixtures pin its stream.
 *
 * `randomInt` and `shuffleInPlace` take any `UniformRng`: a mulberry32 generator, or an `Rng`'s `next`.
 */

/** A function returning uniform floats in [0, 1). */
export type UniformRng = () => number;

/** A seeded xoshiro128** generator (see createRng). */
export interface Rng {
  // Function-valued properties, not methods: none uses `this`, so `rng.next` can be passed on as a UniformRng.
  /** Uniform float in [0, 1) with 53 bits of resolution. */
  next: () => number;
  /** Uniform integer in [0, n). */
  int: (n: number) => number;
  /** Normal sample, mean 0 and standard deviation 1 unless given. */
  normal: (mean?: number, sd?: number) => number;
  /** Uniform unsigned 32-bit integer. */
  uint32: () => number;
}

const TWO_POW_32 = 0x1_0000_0000;
const TWO_POW_53 = 2 ** 53;

/** splitmix32 step: spreads any 32-bit seed (even 0) over a full, well-mixed state. */
function splitmix32(state: number): { value: number; state: number } {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return { value: z >>> 0, state: next };
}

/** Folds any finite number (negative, fractional, larger than 2^32) into a 32-bit seed. */
function toSeed32(seed: number): number {
  if (!Number.isFinite(seed)) throw new RangeError(`createRng: seed must be a finite number, got ${seed}`);
  const whole = Math.trunc(seed);
  const low = whole % TWO_POW_32;
  const high = Math.floor(whole / TWO_POW_32);
  return (low ^ Math.imul(high, 0x27d4eb2d)) >>> 0;
}

/** xoshiro128** generator seeded through splitmix32: 53-bit floats, integers and normals. */
export function createRng(seed: number): Rng {
  let mixState = toSeed32(seed);
  const words = new Uint32Array(4);
  for (let i = 0; i < 4; i += 1) {
    const step = splitmix32(mixState);
    mixState = step.state;
    words[i] = step.value;
  }
  let [s0, s1, s2, s3] = words;
  // Marsaglia's polar method yields two normals per accepted pair; keep the second for the next call.
  let spareNormal: number | null = null;

  const uint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };

  const next = (): number => {
    const high = uint32() >>> 5; // 27 bits
    const low = uint32() >>> 6; // 26 bits
    return (high * 67_108_864 + low) / TWO_POW_53;
  };

  const int = (n: number): number => {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Rng.int: n must be a positive integer, got ${n}`);
    return randomInt(next, n);
  };

  const standardNormal = (): number => {
    if (spareNormal !== null) {
      const value = spareNormal;
      spareNormal = null;
      return value;
    }
    for (;;) {
      const u = 2 * next() - 1;
      const v = 2 * next() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const factor = Math.sqrt((-2 * Math.log(s)) / s);
        spareNormal = v * factor;
        return u * factor;
      }
    }
  };

  const normal = (mean = 0, sd = 1): number => mean + sd * standardNormal();

  return { next, int, normal, uint32 };
}

function rotl(x: number, bits: number): number {
  return (x << bits) | (x >>> (32 - bits));
}

/** Seeded mulberry32 generator: same seed → same stream on every platform; 2^32 period. */
export function mulberry32(seed: number): UniformRng {
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
export function randomInt(rng: UniformRng, n: number): number {
  return Math.floor(rng() * n);
}

/** Fisher–Yates shuffle, in place; returns the same array for chaining. */
export function shuffleInPlace<T extends { length: number; [index: number]: number }>(items: T, rng: UniformRng): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}
