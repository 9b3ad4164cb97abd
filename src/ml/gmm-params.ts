/** Gaussian mixture parameters in typed arrays: factorised into the E-step's density table, or built from labels. */
import { kernelDims, tableStride, triangleIndex } from './gmm-kernels.js';
import { choleskyLower, invertLowerTriangular, type DenseMatrix } from './linalg.js';

const LOG_2PI = Math.log(2 * Math.PI);
// scikit-learn adds 10 machine epsilons to every component mass so an empty component does not divide by zero.
export const MASS_FLOOR = 10 * Number.EPSILON;

/**
 * Parameters in flat typed arrays, plus a table packed for the E-step's inner loop. The table works in `dims`
 * dimensions (d, or KERNEL_DIMS when d is smaller); padded entries are zero, so they add nothing to a density.
 */
export interface MixtureParams {
  k: number;
  d: number;
  dims: number;
  logWeights: Float64Array;
  means: Float64Array; // k × d
  covariances: Float64Array; // k × d × d
  /** Lower Cholesky factors of the covariances (k × d × d). */
  choleskyFactors: Float64Array;
  /** Per component, `tableStride(dims)` values: [log weight + log normaliser, mean, L⁻¹ lower triangle by rows]. */
  densityTable: Float64Array;
}

/** Initial parameters from hard labels (one-hot responsibilities), two-pass like scikit-learn. */
export function paramsFromLabels(matrix: DenseMatrix, labels: Int32Array, k: number, regCovar: number): MixtureParams {
  const { data, rows: n, cols: d } = matrix;
  const mass = new Float64Array(k);
  const means = new Float64Array(k * d);
  for (let i = 0; i < n; i += 1) {
    mass[labels[i]] += 1;
    for (let j = 0; j < d; j += 1) means[labels[i] * d + j] += data[i * d + j];
  }
  for (let c = 0; c < k; c += 1) for (let j = 0; j < d; j += 1) means[c * d + j] /= mass[c] + MASS_FLOOR;
  const covariances = new Float64Array(k * d * d);
  for (let i = 0; i < n; i += 1) {
    const c = labels[i];
    for (let a = 0; a < d; a += 1) {
      const deviation = data[i * d + a] - means[c * d + a];
      for (let b = 0; b <= a; b += 1) {
        covariances[c * d * d + a * d + b] += deviation * (data[i * d + b] - means[c * d + b]);
      }
    }
  }
  for (let c = 0; c < k; c += 1) {
    for (let a = 0; a < d; a += 1) {
      for (let b = 0; b <= a; b += 1) {
        const value = covariances[c * d * d + a * d + b] / (mass[c] + MASS_FLOOR) + (a === b ? regCovar : 0);
        covariances[c * d * d + a * d + b] = value;
        covariances[c * d * d + b * d + a] = value;
      }
    }
  }
  return factorise(k, d, weightsFromMass(mass), means, covariances);
}

export function weightsFromMass(mass: Float64Array): Float64Array {
  let total = 0;
  for (const m of mass) total += m + MASS_FLOOR;
  return mass.map((m) => Math.log((m + MASS_FLOOR) / total));
}

/** Factorises every covariance and packs the E-step table; throws when a covariance is not positive definite. */
export function factorise(
  k: number,
  d: number,
  logWeights: Float64Array,
  means: Float64Array,
  covariances: Float64Array,
): MixtureParams {
  const params = tryFactorisation(k, d, logWeights, means, covariances);
  if (params === null) {
    throw new RangeError(
      'Gaussian mixture: a component covariance is not positive definite ' +
        '(collapsed component or duplicate rows); increase regCovar or reduce k',
    );
  }
  return params;
}

/** As factorise, but null instead of an error (used for speculative parameters). */
export function tryFactorisation(
  k: number,
  d: number,
  logWeights: Float64Array,
  means: Float64Array,
  covariances: Float64Array,
): MixtureParams | null {
  const dims = kernelDims(d);
  const stride = tableStride(dims);
  const densityTable = new Float64Array(k * stride);
  const choleskyFactors = new Float64Array(k * d * d);
  for (let c = 0; c < k; c += 1) {
    const lower = choleskyLower(covariances.subarray(c * d * d, (c + 1) * d * d), d);
    if (lower === null || !Number.isFinite(logWeights[c])) return null;
    choleskyFactors.set(lower, c * d * d);
    const inverse = invertLowerTriangular(lower, d);
    let logDeterminant = 0;
    for (let j = 0; j < d; j += 1) logDeterminant += 2 * Math.log(lower[j * d + j]);
    const base = c * stride;
    densityTable[base] = logWeights[c] - 0.5 * (d * LOG_2PI + logDeterminant);
    densityTable.set(means.subarray(c * d, (c + 1) * d), base + 1);
    for (let r = 0; r < d; r += 1) {
      for (let j = 0; j <= r; j += 1) densityTable[base + 1 + dims + triangleIndex(r, j)] = inverse[r * d + j];
    }
  }
  return { k, d, dims, logWeights, means, covariances, choleskyFactors, densityTable };
}
