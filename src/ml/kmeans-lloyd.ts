/** Lloyd's k-means iterations with scikit-learn's stopping and empty-cluster rules, sped up by Hamerly's bounds. */
import {
  assignNearest,
  averageCenters,
  inertiaOf,
  nearestOtherCenter,
  sameLabels,
  squaredDistance,
  sumByCluster,
  type DenseKMeansResult,
} from './kmeans-clusters.js';
import type { DenseMatrix } from './linalg.js';

/**
 * Lloyd iterations with scikit-learn's stopping rules: stop when no label changes ("strict" convergence) or the
 * total squared centre shift is within tolerance; in the latter case labels are recomputed for the final centres.
 * Assignments use Hamerly's bounds, which give Lloyd's labels while skipping rows whose centre cannot have changed.
 */
export function lloyd(
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

function squaredShift(before: Float64Array, after: Float64Array): number {
  let total = 0;
  for (let i = 0; i < before.length; i += 1) {
    const delta = after[i] - before[i];
    total += delta * delta;
  }
  return total;
}
