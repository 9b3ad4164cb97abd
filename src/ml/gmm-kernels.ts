/** Gaussian mixture kernels: the packed density-table layout, per-row log densities and responsibilities. */
import type { DenseMatrix } from './linalg.js';

/** Dimensions of the unrolled kernel; data with fewer features are zero-padded up to it. */
export const KERNEL_DIMS = 3;
// exp(-37) < 2^-53: such a term cannot change a row's sum (whose largest term is 1), so it is skipped.
export const NEGLIGIBLE_LOG_RATIO = -37;

/** Dimensions the kernels work in for d features: d, zero-padded up to KERNEL_DIMS. */
export function kernelDims(d: number): number {
  return Math.max(d, KERNEL_DIMS);
}

/** Copy of the matrix with zero columns appended up to `dims` (the same matrix when nothing to add). */
export function padColumns(matrix: DenseMatrix, dims: number): DenseMatrix {
  if (matrix.cols === dims) return matrix;
  const data = new Float64Array(matrix.rows * dims);
  for (let i = 0; i < matrix.rows; i += 1) {
    data.set(matrix.data.subarray(i * matrix.cols, (i + 1) * matrix.cols), i * dims);
  }
  return { data, rows: matrix.rows, cols: dims };
}

/** Entries in the lower triangle (diagonal included) of a dims × dims matrix. */
export function triangleSize(dims: number): number {
  return (dims * (dims + 1)) / 2;
}

/** Position of (row a, column b ≤ a) in a lower triangle stored row by row; independent of the dimension. */
export function triangleIndex(a: number, b: number): number {
  return (a * (a + 1)) / 2 + b;
}

/** Doubles per component in a density table: [log weight + log normaliser, mean (dims), L⁻¹ lower triangle]. */
export function tableStride(dims: number): number {
  return 1 + dims + triangleSize(dims);
}

/** componentLogDensity for 3 dimensions (table stride 10), unrolled. */
export function logDensity3d(data: Float64Array, offset: number, table: Float64Array, t: number): number {
  const d0 = data[offset] - table[t + 1];
  const d1 = data[offset + 1] - table[t + 2];
  const d2 = data[offset + 2] - table[t + 3];
  const z0 = table[t + 4] * d0;
  const z1 = table[t + 5] * d0 + table[t + 6] * d1;
  const z2 = table[t + 7] * d0 + table[t + 8] * d1 + table[t + 9] * d2;
  return table[t] - 0.5 * (z0 * z0 + z1 * z1 + z2 * z2);
}

/** log(weight) + log N(x | mean, Σ) of one component, from its densityTable entry; diff is scratch. */
export function componentLogDensity(
  data: Float64Array,
  rowOffset: number,
  dims: number,
  table: Float64Array,
  base: number,
  diff: Float64Array,
): number {
  for (let j = 0; j < dims; j += 1) diff[j] = data[rowOffset + j] - table[base + 1 + j];
  let t = base + 1 + dims;
  let mahalanobis = 0;
  for (let r = 0; r < dims; r += 1) {
    let z = 0;
    for (let j = 0; j <= r; j += 1) z += table[t++] * diff[j];
    mahalanobis += z * z;
  }
  return table[base] - 0.5 * mahalanobis;
}

/**
 * Writes one row's responsibilities into out and returns its log-likelihood. The weighted log densities are
 * combined with log-sum-exp so that rows far from every component do not underflow to probability zero.
 */
export function rowResponsibilities(
  data: Float64Array,
  rowOffset: number,
  dims: number,
  table: Float64Array,
  k: number,
  out: Float64Array,
  diff: Float64Array,
): number {
  const stride = tableStride(dims);
  let max = -Infinity;
  for (let c = 0; c < k; c += 1) {
    out[c] = componentLogDensity(data, rowOffset, dims, table, c * stride, diff);
    if (out[c] > max) max = out[c];
  }
  let sum = 0;
  for (let c = 0; c < k; c += 1) {
    const gap = out[c] - max;
    out[c] = gap < NEGLIGIBLE_LOG_RATIO ? 0 : Math.exp(gap);
    sum += out[c];
  }
  const inverseSum = 1 / sum;
  for (let c = 0; c < k; c += 1) out[c] *= inverseSum;
  return max + Math.log(sum);
}

/** Total log-likelihood of the (padded) rows; also writes responsibilities (n × k) when a buffer is given. */
export function logLikelihoodOf(
  padded: DenseMatrix,
  params: { k: number; densityTable: Float64Array },
  responsibilities: Float64Array | null,
): number {
  const { data, rows: n, cols: dims } = padded;
  const { k } = params;
  const row = new Float64Array(k);
  const diff = new Float64Array(dims);
  let total = 0;
  for (let i = 0; i < n; i += 1) {
    total += rowResponsibilities(data, i * dims, dims, params.densityTable, k, row, diff);
    responsibilities?.set(row, i * k);
  }
  return total;
}
