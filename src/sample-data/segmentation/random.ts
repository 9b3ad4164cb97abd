/** The segmentation generators' seeded draws: paired normals, per-file seeds and the bounded distributions. */
import { clamp } from '../../ml/math.js';
import { mulberry32, shuffleInPlace, type UniformRng } from '../../ml/random.js';
import { pairedNormals } from '../draws.js';

export interface SegmentationRng {
  /** Uniform in [0, 1). */
  uniform: UniformRng;
  /** Standard normal. */
  normal: () => number;
}

export function createRng(seed: number): SegmentationRng {
  const uniform = mulberry32(seed);
  return { uniform, normal: pairedNormals(uniform) };
}

/** Independent stream per file: the test files must not repeat the first rows of the training files. */
export function deriveSeed(seed: number, label: string): number {
  let hash = 0x811c9dc5 ^ (seed >>> 0); // FNV-1a over the label, starting from the seed
  for (let i = 0; i < label.length; i++) {
    hash = Math.imul(hash ^ label.charCodeAt(i), 0x01000193) >>> 0;
  }
  return hash;
}

/** Normal restricted to [min, max] by rejection (clamping would pile values up on the bounds). */
export function truncatedNormal(rng: SegmentationRng, mean: number, sd: number, min: number, max: number): number {
  for (let attempt = 0; attempt < 100; attempt++) {
    const value = mean + sd * rng.normal();
    if (value >= min && value <= max) return value;
  }
  return clamp(mean, min, max);
}

export type LogNormalSpec = readonly [median: number, sigma: number];

export function logNormal(rng: SegmentationRng, [median, sigma]: LogNormalSpec): number {
  return median * Math.exp(sigma * rng.normal());
}

/** Log-normal limited to (0, max] by truncating the underlying normal, so no values pile up on the cap. */
export function boundedLogNormal(rng: SegmentationRng, [median, sigma]: LogNormalSpec, max: number): number {
  const zMax = Math.log(max / median) / sigma;
  return median * Math.exp(sigma * truncatedNormal(rng, 0, 1, -Infinity, zMax));
}

export function binomial(rng: SegmentationRng, trials: number, probability: number): number {
  let successes = 0;
  for (let i = 0; i < trials; i++) if (rng.uniform() < probability) successes++;
  return successes;
}

/** Largest-remainder split of `total` by weight. */
function allocateCounts(weights: readonly number[], total: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (w / sum) * total);
  const counts = exact.map(Math.floor);
  const byRemainder = exact.map((value, index) => ({ index, remainder: value - Math.floor(value) }));
  byRemainder.sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  let missing = total - counts.reduce((a, b) => a + b, 0);
  for (const { index } of byRemainder) {
    if (missing-- <= 0) break;
    counts[index]++;
  }
  return counts;
}

/** The segment of each row: exact shares by weight, so every segment keeps its share even in small files; shuffled. */
export function segmentPerRow<T extends { weight: number }>(
  rng: SegmentationRng,
  segments: readonly T[],
  rows: number,
): T[] {
  const counts = allocateCounts(
    segments.map((segment) => segment.weight),
    rows,
  );
  const order = counts.flatMap((count, index) => Array.from({ length: count }, () => index));
  return shuffleInPlace(order, rng.uniform).map((index) => segments[index]);
}
