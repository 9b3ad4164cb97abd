/** Seeded draws shared by the sample-data generators, all on a mulberry32 `UniformRng` (see ../ml/random.ts). */
import { randomInt, type UniformRng } from '../ml/random.js';

/** Uniform float in [lo, hi). */
export function uniform(rng: UniformRng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}

/** Uniform integer in [lo, hi], both ends included. */
export function intBetween(rng: UniformRng, lo: number, hi: number): number {
  return lo + randomInt(rng, hi - lo + 1);
}

export function pick<T>(rng: UniformRng, items: readonly T[]): T {
  return items[randomInt(rng, items.length)];
}

export function pickWeighted<T extends { weight: number }>(rng: UniformRng, items: readonly T[]): T {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  let remaining = rng() * total;
  for (const item of items) {
    remaining -= item.weight;
    if (remaining < 0) return item;
  }
  return items[items.length - 1];
}

/** Box–Muller: two independent standard normals from two uniforms. */
export function normalPair(rng: UniformRng): [number, number] {
  const radius = Math.sqrt(-2 * Math.log(1 - rng())); // 1 - u is in (0, 1]: log(0) would be -Infinity
  const angle = 2 * Math.PI * rng();
  return [radius * Math.cos(angle), radius * Math.sin(angle)];
}

/**
 * Standard normal that always takes exactly two uniforms (the pair's second half is dropped), so one draw
 * more or less never shifts the rest of a stream.
 */
export function standardNormal(rng: UniformRng): number {
  return normalPair(rng)[0];
}

/** Standard normals that use both halves of each pair: half the uniforms, but every draw depends on the last. */
export function pairedNormals(rng: UniformRng): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    const [value, next] = normalPair(rng);
    spare = next;
    return value;
  };
}
