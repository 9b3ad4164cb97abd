/** Cluster bookkeeping shared by the k-means steps: distances, nearest centres, sums, means and inertia. */
import type { DenseMatrix } from './linalg.js';

/** A k-means solution on a dense matrix: k × d centres, a label per row, and its SSE. */
export interface DenseKMeansResult {
  centers: Float64Array;
  labels: Int32Array;
  inertia: number;
  iterations: number;
}

// An improvement must beat rounding noise, otherwise equivalent solutions could replace each other forever.
export const MIN_RELATIVE_GAIN = 1e-12;

/** Distance from each centre to its nearest other centre (Infinity when k = 1). */
export function nearestOtherCenter(centers: Float64Array, k: number, d: number, out: Float64Array): void {
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

/** Writes the index of the nearest centre (lowest index on ties) of each row into labels. */
export function assignNearest(matrix: DenseMatrix, centers: Float64Array, k: number, labels: Int32Array): void {
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

export function sumByCluster(matrix: DenseMatrix, labels: Int32Array, sums: Float64Array, counts: Float64Array): void {
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

/** Turns sums into means; a cluster still empty sits on the largest cluster, as scikit-learn does. */
export function averageCenters(sums: Float64Array, counts: Float64Array, d: number): void {
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

export function inertiaOf(matrix: DenseMatrix, centers: Float64Array, labels: Int32Array): number {
  const { data, rows: n, cols: d } = matrix;
  let total = 0;
  for (let i = 0; i < n; i += 1) total += squaredDistance(data, i * d, centers, labels[i] * d, d);
  return total;
}

// Hot path of every step: unrolled for the low dimensions segmentation uses, generic loop otherwise.
export function squaredDistance(a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, d: number): number {
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

export function sameLabels(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}
