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
 */
import { createRng, type Rng } from './random.js';

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

/** Row-major dense matrix: element (i, j) is data[i * cols + j]. */
export interface DenseMatrix {
  data: Float64Array;
  rows: number;
  cols: number;
}

export interface DenseKMeansOptions {
  nInit: number;
  rng: Rng;
  maxIter: number;
  tol: number;
  hartiganRefinement: boolean;
  swapTrials: number;
}

export interface DenseKMeansResult {
  centers: Float64Array;
  labels: Int32Array;
  inertia: number;
  iterations: number;
}

const DEFAULTS = { nInit: 10, seed: 0, maxIter: 300, tol: 1e-4, hartiganRefinement: true, swapTrials: 3 } as const;

export function fitKMeans(rows: number[][], k: number, opts: KMeansOptions = {}): KMeansResult {
  const matrix = toDenseMatrix(rows, 'fitKMeans');
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

// An improvement must beat rounding noise, otherwise equivalent solutions could replace each other forever.
const MIN_RELATIVE_GAIN = 1e-12;

/**
 * Proposes new centres: a row sampled with probability proportional to its squared distance (where the fit is
 * worst) replaces either the centre whose removal costs least, judged before re-running Lloyd, or a random one.
 * The greedy choice is usually right; the random one escapes optima where it keeps proposing the same swap.
 */
function swapOneCenter(
  matrix: DenseMatrix,
  fit: DenseKMeansResult,
  k: number,
  rng: Rng,
  dropRandomCenter: boolean,
): Float64Array {
  const { data, rows: n, cols: d } = matrix;
  const nearestLabel = new Int32Array(n);
  const nearest = new Float64Array(n);
  const secondNearest = new Float64Array(n);
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i += 1) {
    let first = Infinity;
    let second = Infinity;
    for (let c = 0; c < k; c += 1) {
      const distance = squaredDistance(data, i * d, fit.centers, c * d, d);
      if (distance < first) {
        second = first;
        first = distance;
        nearestLabel[i] = c;
      } else if (distance < second) second = distance;
    }
    nearest[i] = first;
    secondNearest[i] = second;
    total += first;
    cumulative[i] = total;
  }
  const candidate = Math.min(searchSortedLeft(cumulative, rng.next() * total), n - 1);
  let dropped: number;
  if (dropRandomCenter) dropped = rng.int(k);
  else {
    // Extra cost of dropping centre c once the candidate is added: its rows fall back to their second-nearest
    // centre or the candidate, whichever is closer.
    const dropCost = new Float64Array(k);
    for (let i = 0; i < n; i += 1) {
      const toCandidate = squaredDistance(data, i * d, data, candidate * d, d);
      dropCost[nearestLabel[i]] += Math.min(toCandidate, secondNearest[i]) - Math.min(toCandidate, nearest[i]);
    }
    dropped = 0;
    for (let c = 1; c < k; c += 1) if (dropCost[c] < dropCost[dropped]) dropped = c;
  }
  const centers = Float64Array.from(fit.centers);
  centers.set(data.subarray(candidate * d, candidate * d + d), dropped * d);
  return centers;
}

/**
 * scikit-learn's greedy k-means++: each new centre is the best (lowest potential) of 2 + ln(k) candidates
 * sampled proportionally to the squared distance to the nearest chosen centre.
 */
export function greedyKMeansPlusPlus(matrix: DenseMatrix, k: number, rng: Rng): Float64Array {
  const { data, rows: n, cols: d } = matrix;
  const centers = new Float64Array(k * d);
  const localTrials = 2 + Math.floor(Math.log(k));
  const first = rng.int(n);
  centers.set(data.subarray(first * d, first * d + d), 0);

  let closest = new Float64Array(n);
  let potential = 0;
  for (let i = 0; i < n; i += 1) {
    closest[i] = squaredDistance(data, i * d, data, first * d, d);
    potential += closest[i];
  }
  const cumulative = new Float64Array(n);
  const candidateIds = new Int32Array(localTrials);
  const candidateClosest = Array.from({ length: localTrials }, () => new Float64Array(n));
  const candidatePotential = new Float64Array(localTrials);

  for (let c = 1; c < k; c += 1) {
    let running = 0;
    for (let i = 0; i < n; i += 1) {
      running += closest[i];
      cumulative[i] = running;
    }
    for (let t = 0; t < localTrials; t += 1) {
      candidateIds[t] = Math.min(searchSortedLeft(cumulative, rng.next() * potential), n - 1);
    }
    for (let t = 0; t < localTrials; t += 1) {
      const offset = candidateIds[t] * d;
      const distances = candidateClosest[t];
      let sum = 0;
      for (let i = 0; i < n; i += 1) {
        const distance = Math.min(closest[i], squaredDistance(data, i * d, data, offset, d));
        distances[i] = distance;
        sum += distance;
      }
      candidatePotential[t] = sum;
    }
    let bestTrial = 0;
    for (let t = 1; t < localTrials; t += 1) if (candidatePotential[t] < candidatePotential[bestTrial]) bestTrial = t;
    // Swap buffers instead of copying: the winner's distances become the new nearest-centre distances.
    const previous = closest;
    closest = candidateClosest[bestTrial];
    candidateClosest[bestTrial] = previous;
    potential = candidatePotential[bestTrial];
    const chosen = candidateIds[bestTrial];
    centers.set(data.subarray(chosen * d, chosen * d + d), c * d);
  }
  return centers;
}

/**
 * Lloyd iterations with scikit-learn's stopping rules: stop when no label changes ("strict" convergence) or the
 * total squared centre shift is within tolerance; in the latter case labels are recomputed for the final centres.
 * Assignments use Hamerly's bounds, which give Lloyd's labels while skipping rows whose centre cannot have changed.
 */
function lloyd(
  matrix: DenseMatrix,
  initialCenters: Float64Array,
  k: number,
  maxIter: number,
  absoluteTol: number,
): DenseKMeansResult {
  const { rows: n, cols: d } = matrix;
  let centers = Float64Array.from(initialCenters);
  let nextCenters = new Float64Array(k * d);
  const counts = new Float64Array(k);
  const labels = new Int32Array(n);
  const previousLabels = new Int32Array(n).fill(-1);
  const bounds = createHamerlyBounds(n, k);
  let strictConvergence = false;
  let iteration = 0;
  while (iteration < maxIter) {
    iteration += 1;
    assignWithBounds(matrix, centers, k, labels, bounds);
    sumByCluster(matrix, labels, nextCenters, counts);
    const relocated = relocateEmptyClusters(matrix, centers, labels, nextCenters, counts);
    averageCenters(nextCenters, counts, d);
    const shift = squaredShift(centers, nextCenters);
    if (relocated) resetBounds(bounds);
    else loosenBounds(bounds, labels, centers, nextCenters, d);
    [centers, nextCenters] = [nextCenters, centers];
    if (sameLabels(labels, previousLabels)) {
      strictConvergence = true;
      break;
    }
    if (shift <= absoluteTol) break;
    previousLabels.set(labels);
  }
  if (!strictConvergence) assignNearest(matrix, centers, k, labels);
  return { centers, labels, inertia: inertiaOf(matrix, centers, labels), iterations: iteration };
}

/** Hamerly's per-row bounds: upper on the distance to the own centre, lower on the distance to any other. */
interface HamerlyBounds {
  upper: Float64Array;
  lower: Float64Array;
  halfGap: Float64Array;
  centerShift: Float64Array;
}

function createHamerlyBounds(n: number, k: number): HamerlyBounds {
  const bounds = {
    upper: new Float64Array(n),
    lower: new Float64Array(n),
    halfGap: new Float64Array(k),
    centerShift: new Float64Array(k),
  };
  resetBounds(bounds);
  return bounds;
}

/** Forces a full nearest-centre search for every row on the next assignment. */
function resetBounds(bounds: HamerlyBounds): void {
  bounds.upper.fill(Infinity);
  bounds.lower.fill(0);
}

function assignWithBounds(
  matrix: DenseMatrix,
  centers: Float64Array,
  k: number,
  labels: Int32Array,
  bounds: HamerlyBounds,
): void {
  const { data, rows: n, cols: d } = matrix;
  const { upper, lower, halfGap } = bounds;
  // Half the distance from each centre to its nearest other centre: a row closer than that cannot switch.
  nearestOtherCenter(centers, k, d, halfGap);
  for (let a = 0; a < k; a += 1) halfGap[a] *= 0.5;
  for (let i = 0; i < n; i += 1) {
    const rowOffset = i * d;
    const threshold = Math.max(halfGap[labels[i]], lower[i]);
    if (upper[i] <= threshold) continue;
    upper[i] = Math.sqrt(squaredDistance(data, rowOffset, centers, labels[i] * d, d));
    if (upper[i] <= threshold) continue;
    let first = Infinity;
    let second = Infinity;
    let bestLabel = 0;
    for (let c = 0; c < k; c += 1) {
      const distance = squaredDistance(data, rowOffset, centers, c * d, d);
      if (distance < first) {
        second = first;
        first = distance;
        bestLabel = c;
      } else if (distance < second) second = distance;
    }
    labels[i] = bestLabel;
    upper[i] = Math.sqrt(first);
    lower[i] = Math.sqrt(second);
  }
}

/** After centres move, widen each row's bounds by how far the relevant centres moved. */
function loosenBounds(
  bounds: HamerlyBounds,
  labels: Int32Array,
  before: Float64Array,
  after: Float64Array,
  d: number,
): void {
  const { upper, lower, centerShift } = bounds;
  let largest = 0;
  let secondLargest = 0;
  let largestCenter = -1;
  for (let c = 0; c < centerShift.length; c += 1) {
    const shift = Math.sqrt(squaredDistance(before, c * d, after, c * d, d));
    centerShift[c] = shift;
    if (shift > largest) {
      secondLargest = largest;
      largest = shift;
      largestCenter = c;
    } else if (shift > secondLargest) secondLargest = shift;
  }
  for (let i = 0; i < upper.length; i += 1) {
    upper[i] += centerShift[labels[i]];
    lower[i] -= labels[i] === largestCenter ? secondLargest : largest;
  }
}

/**
 * Hartigan's single-row transfers: moving row x from cluster a (size na) to b (size nb) changes the SSE by
 * nb/(nb+1)·|x-cb|² - na/(na-1)·|x-ca|². Lloyd ignores the size factors, so it stops at partitions where such
 * moves still pay off; this sweeps rows until none does. The result is still a Lloyd fixed point.
 */
function hartiganRefine(matrix: DenseMatrix, start: DenseKMeansResult, k: number): DenseKMeansResult {
  const { data, rows: n, cols: d } = matrix;
  const labels = Int32Array.from(start.labels);
  const centers = new Float64Array(k * d);
  const counts = new Float64Array(k);
  sumByCluster(matrix, labels, centers, counts);
  averageCenters(centers, counts, d);
  const nearestOther = new Float64Array(k);
  nearestOtherCenter(centers, k, d, nearestOther);
  let minAddFactor = smallestAddFactor(counts);
  let moved = true;
  for (let sweep = 0; moved && sweep < MAX_HARTIGAN_SWEEPS; sweep += 1) {
    moved = false;
    for (let i = 0; i < n; i += 1) {
      const from = labels[i];
      const fromCount = counts[from];
      if (fromCount <= 1) continue;
      const rowOffset = i * d;
      const ownDistance = squaredDistance(data, rowOffset, centers, from * d, d);
      const threshold = (fromCount / (fromCount - 1)) * ownDistance * (1 - MIN_RELATIVE_GAIN);
      // Triangle inequality: every other centre is at least (gap to the nearest other centre - own distance)
      // away, so when even that, scaled by the smallest size factor, is above the threshold no move can pay off.
      const clearance = nearestOther[from] - Math.sqrt(ownDistance);
      if (clearance > 0 && minAddFactor * clearance * clearance >= threshold) continue;
      let to = -1;
      let bestAddition = threshold;
      for (let c = 0; c < k; c += 1) {
        if (c === from) continue;
        const addition = (counts[c] / (counts[c] + 1)) * squaredDistance(data, rowOffset, centers, c * d, d);
        if (addition < bestAddition) {
          bestAddition = addition;
          to = c;
        }
      }
      if (to === -1) continue;
      for (let j = 0; j < d; j += 1) {
        const value = data[rowOffset + j];
        centers[from * d + j] = (centers[from * d + j] * fromCount - value) / (fromCount - 1);
        centers[to * d + j] = (centers[to * d + j] * counts[to] + value) / (counts[to] + 1);
      }
      counts[from] -= 1;
      counts[to] += 1;
      labels[i] = to;
      moved = true;
      nearestOtherCenter(centers, k, d, nearestOther);
      minAddFactor = smallestAddFactor(counts);
    }
  }
  if (sameLabels(labels, start.labels)) return start;
  // Recompute means from scratch so incremental updates leave no rounding drift.
  sumByCluster(matrix, labels, centers, counts);
  averageCenters(centers, counts, d);
  return { centers, labels, inertia: inertiaOf(matrix, centers, labels), iterations: start.iterations };
}

/** Distance from each centre to its nearest other centre (Infinity when k = 1). */
function nearestOtherCenter(centers: Float64Array, k: number, d: number, out: Float64Array): void {
  out.fill(Infinity);
  for (let a = 0; a < k; a += 1) {
    for (let b = a + 1; b < k; b += 1) {
      const distance = squaredDistance(centers, a * d, centers, b * d, d);
      if (distance < out[a]) out[a] = distance;
      if (distance < out[b]) out[b] = distance;
    }
  }
  for (let a = 0; a < k; a += 1) out[a] = Math.sqrt(out[a]);
}

/** Smallest nb / (nb + 1) over clusters: the cheapest weight any transfer target can put on a distance. */
function smallestAddFactor(counts: Float64Array): number {
  let smallest = 1;
  for (const count of counts) smallest = Math.min(smallest, count / (count + 1));
  return smallest;
}

const MAX_HARTIGAN_SWEEPS = 1000;

/** Writes the index of the nearest centre (lowest index on ties) of each row into labels. */
function assignNearest(matrix: DenseMatrix, centers: Float64Array, k: number, labels: Int32Array): void {
  const { data, rows: n, cols: d } = matrix;
  for (let i = 0; i < n; i += 1) {
    const rowOffset = i * d;
    let bestLabel = 0;
    let bestDistance = Infinity;
    for (let c = 0; c < k; c += 1) {
      const distance = squaredDistance(data, rowOffset, centers, c * d, d);
      if (distance < bestDistance) {
        bestDistance = distance;
        bestLabel = c;
      }
    }
    labels[i] = bestLabel;
  }
}

function sumByCluster(matrix: DenseMatrix, labels: Int32Array, sums: Float64Array, counts: Float64Array): void {
  const { data, rows: n, cols: d } = matrix;
  sums.fill(0);
  counts.fill(0);
  for (let i = 0; i < n; i += 1) {
    const centerOffset = labels[i] * d;
    const rowOffset = i * d;
    for (let j = 0; j < d; j += 1) sums[centerOffset + j] += data[rowOffset + j];
    counts[labels[i]] += 1;
  }
}

/**
 * scikit-learn's rule for clusters that lost all their rows: move each to one of the rows farthest from their
 * (previous) centre, taking that row out of its own cluster's sum.
 */
function relocateEmptyClusters(
  matrix: DenseMatrix,
  oldCenters: Float64Array,
  labels: Int32Array,
  sums: Float64Array,
  counts: Float64Array,
): boolean {
  const emptyClusters: number[] = [];
  counts.forEach((count, c) => {
    if (count === 0) emptyClusters.push(c);
  });
  if (emptyClusters.length === 0) return false;
  const { data, rows: n, cols: d } = matrix;
  const distances = new Float64Array(n);
  let maxDistance = 0;
  for (let i = 0; i < n; i += 1) {
    distances[i] = squaredDistance(data, i * d, oldCenters, labels[i] * d, d);
    if (distances[i] > maxDistance) maxDistance = distances[i];
  }
  // More clusters than distinct rows: nothing to gain by moving centres around.
  if (maxDistance === 0) return false;
  const farthestFirst = Array.from({ length: n }, (_, i) => i).sort((a, b) => distances[b] - distances[a] || a - b);
  emptyClusters.forEach((emptyCluster, index) => {
    const row = farthestFirst[index];
    const donor = labels[row];
    for (let j = 0; j < d; j += 1) {
      sums[donor * d + j] -= data[row * d + j];
      sums[emptyCluster * d + j] = data[row * d + j];
    }
    counts[emptyCluster] = 1;
    counts[donor] -= 1;
  });
  return true;
}

/** Turns sums into means; a cluster still empty sits on the largest cluster, as scikit-learn does. */
function averageCenters(sums: Float64Array, counts: Float64Array, d: number): void {
  let largest = 0;
  counts.forEach((count, c) => {
    if (count > counts[largest]) largest = c;
  });
  counts.forEach((count, c) => {
    for (let j = 0; j < d; j += 1) {
      sums[c * d + j] = count > 0 ? sums[c * d + j] / count : sums[largest * d + j] / counts[largest];
    }
  });
}

function squaredShift(before: Float64Array, after: Float64Array): number {
  let total = 0;
  for (let i = 0; i < before.length; i += 1) {
    const delta = after[i] - before[i];
    total += delta * delta;
  }
  return total;
}

function inertiaOf(matrix: DenseMatrix, centers: Float64Array, labels: Int32Array): number {
  const { data, rows: n, cols: d } = matrix;
  let total = 0;
  for (let i = 0; i < n; i += 1) total += squaredDistance(data, i * d, centers, labels[i] * d, d);
  return total;
}

// Hot path of every step: unrolled for the low dimensions segmentation uses, generic loop otherwise.
function squaredDistance(a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, d: number): number {
  if (d === 3) {
    const dx = a[aOffset] - b[bOffset];
    const dy = a[aOffset + 1] - b[bOffset + 1];
    const dz = a[aOffset + 2] - b[bOffset + 2];
    return dx * dx + dy * dy + dz * dz;
  }
  if (d === 2) {
    const dx = a[aOffset] - b[bOffset];
    const dy = a[aOffset + 1] - b[bOffset + 1];
    return dx * dx + dy * dy;
  }
  let sum = 0;
  for (let j = 0; j < d; j += 1) {
    const delta = a[aOffset + j] - b[bOffset + j];
    sum += delta * delta;
  }
  return sum;
}

/** First index whose value is >= target (numpy.searchsorted, side='left'); values must be non-decreasing. */
function searchSortedLeft(values: Float64Array, target: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (values[mid] < target) low = mid + 1;
    else high = mid;
  }
  return low;
}

function sameLabels(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
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

export function toDenseMatrix(rows: number[][], caller: string): DenseMatrix {
  const cols = rows.length > 0 ? rows[0].length : 0;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, i) => {
    if (row.length !== cols) throw new RangeError(`${caller}: row ${i} has ${row.length} values, expected ${cols}`);
    for (let j = 0; j < cols; j += 1) {
      if (!Number.isFinite(row[j])) throw new RangeError(`${caller}: row ${i} has a non-finite value`);
      data[i * cols + j] = row[j];
    }
  });
  return { data, rows: rows.length, cols };
}

export function toRows(data: Float64Array, rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols)));
}
