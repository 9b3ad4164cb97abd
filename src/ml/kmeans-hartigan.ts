/** Hartigan's single-row transfers: a local search run after Lloyd that lowers the SSE further. */
import {
  averageCenters,
  inertiaOf,
  MIN_RELATIVE_GAIN,
  nearestOtherCenter,
  sameLabels,
  squaredDistance,
  sumByCluster,
  type DenseKMeansResult,
} from './kmeans-clusters.js';
import type { DenseMatrix } from './linalg.js';

/** Cap on full sweeps over the rows, a safeguard: every accepted move lowers the SSE, so the sweeps end anyway. */
const MAX_HARTIGAN_SWEEPS = 1000;

/**
 * Hartigan's single-row transfers: moving row x from cluster a (size na) to b (size nb) changes the SSE by
 * nb/(nb+1)·|x-cb|² - na/(na-1)·|x-ca|². Lloyd ignores the size factors, so it stops at partitions where such
 * moves still pay off; this sweeps rows until none does. The result is still a Lloyd fixed point.
 */
export function hartiganRefine(matrix: DenseMatrix, start: DenseKMeansResult, k: number): DenseKMeansResult {
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

/** Smallest nb / (nb + 1) over clusters: the cheapest weight any transfer target can put on a distance. */
function smallestAddFactor(counts: Float64Array): number {
  let smallest = 1;
  for (const count of counts) smallest = Math.min(smallest, count / (count + 1));
  return smallest;
}
