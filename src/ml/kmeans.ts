/**
 * K-Means built on scikit-learn's KMeans(algorithm='lloyd'): greedy k-means++ seeding with 2 + ln(k) local
 * trials, Lloyd iterations with scikit-learn's convergence rules and empty-cluster relocation, and `nInit`
 * seeded restarts keeping the lowest inertia.
 *
 * Two cheap local searches run inside every restart, because plain Lloyd restarts land in poor local optima
 * at larger k (the SSE then varies by several percent between seeds, which moves the elbow):
 * - Hartigan transfers: single rows move to another cluster while that lowers the SSE;
 * - centre swaps: a row sampled by D² replaces one centre, then Lloyd + Hartigan; kept only if the SSE drops.
 * With `hartiganRefinement: false, swapTrials: 0` the algorithm is scikit-learn's.
 *
 * Works on Float64Array buffers to avoid per-row allocations; Lloyd uses Hamerly's bounds.
 *
 * This module is the public entry and runs the restarts; the steps live in kmeans-seeding, kmeans-lloyd,
 * kmeans-hartigan and kmeans-clusters (bookkeeping they share).
 */
import { MIN_RELATIVE_GAIN, assignNearest, type DenseKMeansResult } from './kmeans-clusters.js';
import { hartiganRefine } from './kmeans-hartigan.js';
import { lloyd } from './kmeans-lloyd.js';
import { greedyKMeansPlusPlus, swapOneCenter } from './kmeans-seeding.js';
import { toDenseMatrix, toRows, type DenseMatrix } from './linalg.js';
import { createRng, type Rng } from './random.js';

export type { DenseKMeansResult } from './kmeans-clusters.js';
export { greedyKMeansPlusPlus } from './kmeans-seeding.js';

export interface KMeansOptions {
  /** Number of seeded restarts; the run with the lowest inertia wins. Default 10. */
  nInit?: number;
  /** Seed of the random stream shared by all restarts. Default 0. */
  seed?: number;
  /** Lloyd iterations per restart. Default 300. */
  maxIter?: number;
  /** Relative tolerance: stop when the squared centroid shift is at most tol * mean feature variance. Default 1e-4. */
  tol?: number;
  /**
   * After Lloyd converges, move single rows between clusters while that lowers the SSE (Hartigan's rule).
   * Default true: it finds lower-SSE optima than Lloyd alone at almost no cost; false gives plain scikit-learn.
   */
  hartiganRefinement?: boolean;
  /** Centre swaps tried per restart (alternately the cheapest centre to drop and a random one). Default 3. */
  swapTrials?: number;
}

export interface KMeansResult {
  centroids: number[][];
  labels: number[];
  /** Sum of squared distances of rows to their centroid (SSE). */
  inertia: number;
  /** Lloyd iterations of the winning run (a restart or one of its centre swaps). */
  iterations: number;
}

export interface DenseKMeansOptions {
  nInit: number;
  rng: Rng;
  maxIter: number;
  tol: number;
  hartiganRefinement: boolean;
  swapTrials: number;
}

const DEFAULTS = { nInit: 10, seed: 0, maxIter: 300, tol: 1e-4, hartiganRefinement: true, swapTrials: 3 } as const;

export function fitKMeans(rows: number[][], k: number, opts: KMeansOptions = {}): KMeansResult {
  return fitKMeansMatrix(toDenseMatrix(rows, 'fitKMeans'), k, opts);
}

/** fitKMeans on a row-major matrix (no per-row arrays: what a worker thread receives). */
export function fitKMeansMatrix(matrix: DenseMatrix, k: number, opts: KMeansOptions = {}): KMeansResult {
  const fit = fitKMeansDense(matrix, k, {
    nInit: opts.nInit ?? DEFAULTS.nInit,
    maxIter: opts.maxIter ?? DEFAULTS.maxIter,
    tol: opts.tol ?? DEFAULTS.tol,
    hartiganRefinement: opts.hartiganRefinement ?? DEFAULTS.hartiganRefinement,
    swapTrials: opts.swapTrials ?? DEFAULTS.swapTrials,
    rng: createRng(opts.seed ?? DEFAULTS.seed),
  });
  return {
    centroids: toRows(fit.centers, k, matrix.cols),
    labels: Array.from(fit.labels),
    inertia: fit.inertia,
    iterations: fit.iterations,
  };
}

export function predictKMeans(centroids: number[][], rows: number[][]): number[] {
  if (centroids.length === 0) throw new RangeError('predictKMeans: need at least one centroid');
  const matrix = toDenseMatrix(rows, 'predictKMeans');
  const centers = toDenseMatrix(centroids, 'predictKMeans').data;
  if (centroids[0].length !== matrix.cols && matrix.rows > 0) {
    throw new RangeError(`predictKMeans: rows have ${matrix.cols} features, centroids ${centroids[0].length}`);
  }
  const labels = new Int32Array(matrix.rows);
  assignNearest(matrix, centers, centroids.length, labels);
  return Array.from(labels);
}

/** Typed-array entry point, also used to initialise the Gaussian mixture. */
export function fitKMeansDense(matrix: DenseMatrix, k: number, opts: DenseKMeansOptions): DenseKMeansResult {
  validateKMeansInput(matrix, k, opts);
  const absoluteTol = opts.tol * meanColumnVariance(matrix);
  const converge = (centers: Float64Array): DenseKMeansResult => {
    const fit = lloyd(matrix, centers, k, opts.maxIter, absoluteTol);
    return opts.hartiganRefinement ? hartiganRefine(matrix, fit, k) : fit;
  };
  // With one cluster there is nothing to swap.
  const swapTrials = k > 1 ? opts.swapTrials : 0;
  let best: DenseKMeansResult | null = null;
  for (let run = 0; run < opts.nInit; run += 1) {
    let fit = converge(greedyKMeansPlusPlus(matrix, k, opts.rng));
    for (let trial = 0; trial < swapTrials; trial += 1) {
      const dropRandomCenter = trial % 2 === 1;
      const swapped = converge(swapOneCenter(matrix, fit, k, opts.rng, dropRandomCenter));
      if (swapped.inertia < fit.inertia * (1 - MIN_RELATIVE_GAIN)) fit = swapped;
    }
    // Like scikit-learn: a lower inertia from the same partition (relabelled) is rounding noise, not a better fit.
    if (best === null || (fit.inertia < best.inertia && !isSamePartition(fit.labels, best.labels, k))) best = fit;
  }
  return best!;
}

function validateKMeansInput(matrix: DenseMatrix, k: number, opts: DenseKMeansOptions): void {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k-means: k must be a positive integer, got ${k}`);
  if (matrix.rows < 1) throw new RangeError('k-means: need at least one row');
  if (matrix.cols < 1) throw new RangeError('k-means: rows need at least one feature');
  if (k > matrix.rows) {
    throw new RangeError(`k-means: k (${k}) must not exceed the number of rows (${matrix.rows})`);
  }
  if (!Number.isInteger(opts.nInit) || opts.nInit < 1) {
    throw new RangeError('k-means: nInit must be a positive integer');
  }
  if (!Number.isInteger(opts.maxIter) || opts.maxIter < 1) {
    throw new RangeError('k-means: maxIter must be a positive integer');
  }
  if (!(opts.tol >= 0)) throw new RangeError('k-means: tol must be >= 0');
  if (!Number.isInteger(opts.swapTrials) || opts.swapTrials < 0) {
    throw new RangeError('k-means: swapTrials must be a non-negative integer');
  }
}

/** True when the two labelings are the same partition up to renaming of the clusters. */
function isSamePartition(a: Int32Array, b: Int32Array, k: number): boolean {
  const mapping = new Int32Array(k).fill(-1);
  for (let i = 0; i < a.length; i += 1) {
    if (mapping[a[i]] === -1) mapping[a[i]] = b[i];
    else if (mapping[a[i]] !== b[i]) return false;
  }
  return true;
}

function meanColumnVariance(matrix: DenseMatrix): number {
  const { data, rows: n, cols: d } = matrix;
  let total = 0;
  for (let j = 0; j < d; j += 1) {
    let mean = 0;
    for (let i = 0; i < n; i += 1) mean += data[i * d + j];
    mean /= n;
    let squares = 0;
    for (let i = 0; i < n; i += 1) squares += (data[i * d + j] - mean) ** 2;
    total += squares / n;
  }
  return total / d;
}
