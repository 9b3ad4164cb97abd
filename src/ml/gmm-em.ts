/** Gaussian mixture EM: one E+M pass that folds responsibilities straight into moments, and scikit-learn's loop. */
import {
  KERNEL_DIMS,
  NEGLIGIBLE_LOG_RATIO,
  rowResponsibilities,
  tableStride,
  triangleIndex,
  triangleSize,
} from './gmm-kernels.js';
import { factorise, MASS_FLOOR, weightsFromMass, type MixtureParams } from './gmm-params.js';
import type { DenseMatrix } from './linalg.js';

export interface EmSettings {
  nInit: number;
  maxIter: number;
  tol: number;
  regCovar: number;
  accelerate: boolean;
  splitMergeTrials: number;
}

export interface EmRun {
  params: MixtureParams;
  /** Mean per-row log-likelihood, as scikit-learn's lower bound. */
  lowerBound: number;
  converged: boolean;
  iterations: number;
}

/** scikit-learn's loop: stop when one E+M pass raises the mean log-likelihood by less than tol. */
export function plainEm(
  padded: DenseMatrix,
  initial: MixtureParams,
  settings: EmSettings,
  scratch: MomentScratch,
): EmRun {
  let params = initial;
  let lowerBound = -Infinity;
  let converged = false;
  let iterations = 0;
  while (iterations < settings.maxIter) {
    iterations += 1;
    const previous = lowerBound;
    // As in scikit-learn, the bound is the mean log-likelihood of the parameters entering this pass.
    const step = emStep(padded, params, settings.regCovar, scratch);
    lowerBound = step.logLikelihood / padded.rows;
    params = step.params;
    if (Math.abs(lowerBound - previous) < settings.tol) {
      converged = true;
      break;
    }
  }
  return { params, lowerBound, converged, iterations };
}

/** Responsibility-weighted moments of the rows around each component's current mean (in `dims` dimensions). */
export interface MomentScratch {
  mass: Float64Array; // k: Σ r
  firstMoment: Float64Array; // k × dims: Σ r (x - mean)
  secondMoment: Float64Array; // k × dims(dims+1)/2: Σ r (x - mean)(x - mean)ᵀ, lower triangle by rows
  responsibilities: Float64Array; // k: one row's weighted log densities, then its responsibilities
}

export function createMomentScratch(k: number, dims: number): MomentScratch {
  return {
    mass: new Float64Array(k),
    firstMoment: new Float64Array(k * dims),
    secondMoment: new Float64Array(k * triangleSize(dims)),
    responsibilities: new Float64Array(k),
  };
}

/**
 * One E+M pass: E-step responsibilities and the M-step's weighted moments in a single sweep over the rows,
 * so the n × k responsibility matrix is never stored. Moments are taken around the current means, which are
 * close to the new ones, so the covariance update does not lose precision to cancellation.
 */
export function emStep(
  padded: DenseMatrix,
  params: MixtureParams,
  regCovar: number,
  scratch: MomentScratch,
): { params: MixtureParams; logLikelihood: number } {
  scratch.mass.fill(0);
  scratch.firstMoment.fill(0);
  scratch.secondMoment.fill(0);
  const logLikelihood =
    params.dims === KERNEL_DIMS
      ? accumulateMoments3d(padded.data, padded.rows, params.k, params.densityTable, scratch)
      : accumulateMoments(padded, params, scratch);
  return { params: paramsFromMoments(params, scratch, regCovar), logLikelihood };
}

/** Unrolled emStep sweep for 3 dimensions (table stride 10). Returns the total log-likelihood. */
function accumulateMoments3d(
  data: Float64Array,
  n: number,
  k: number,
  table: Float64Array,
  scratch: MomentScratch,
): number {
  const { mass, firstMoment, secondMoment, responsibilities: row } = scratch;
  let logLikelihood = 0;
  for (let i = 0; i < n; i += 1) {
    const x0 = data[i * 3];
    const x1 = data[i * 3 + 1];
    const x2 = data[i * 3 + 2];
    let max = -Infinity;
    for (let c = 0; c < k; c += 1) {
      const t = c * 10;
      const d0 = x0 - table[t + 1];
      const d1 = x1 - table[t + 2];
      const d2 = x2 - table[t + 3];
      const z0 = table[t + 4] * d0;
      const z1 = table[t + 5] * d0 + table[t + 6] * d1;
      const z2 = table[t + 7] * d0 + table[t + 8] * d1 + table[t + 9] * d2;
      const logDensity = table[t] - 0.5 * (z0 * z0 + z1 * z1 + z2 * z2);
      row[c] = logDensity;
      if (logDensity > max) max = logDensity;
    }
    let sum = 0;
    for (let c = 0; c < k; c += 1) {
      const gap = row[c] - max;
      const scaled = gap < NEGLIGIBLE_LOG_RATIO ? 0 : Math.exp(gap);
      row[c] = scaled;
      sum += scaled;
    }
    logLikelihood += max + Math.log(sum);
    const inverseSum = 1 / sum;
    for (let c = 0; c < k; c += 1) {
      if (row[c] === 0) continue;
      const r = row[c] * inverseSum;
      const t = c * 10;
      const d0 = x0 - table[t + 1];
      const d1 = x1 - table[t + 2];
      const d2 = x2 - table[t + 3];
      const w0 = r * d0;
      const w1 = r * d1;
      const w2 = r * d2;
      mass[c] += r;
      firstMoment[c * 3] += w0;
      firstMoment[c * 3 + 1] += w1;
      firstMoment[c * 3 + 2] += w2;
      const m = c * 6;
      secondMoment[m] += w0 * d0;
      secondMoment[m + 1] += w1 * d0;
      secondMoment[m + 2] += w1 * d1;
      secondMoment[m + 3] += w2 * d0;
      secondMoment[m + 4] += w2 * d1;
      secondMoment[m + 5] += w2 * d2;
    }
  }
  return logLikelihood;
}

/** Any-dimension emStep sweep. Returns the total log-likelihood. */
function accumulateMoments(padded: DenseMatrix, params: MixtureParams, scratch: MomentScratch): number {
  const { data, rows: n, cols: dims } = padded;
  const { k, densityTable: table } = params;
  const { mass, firstMoment, secondMoment, responsibilities: row } = scratch;
  const stride = tableStride(dims);
  const triangle = triangleSize(dims);
  const diff = new Float64Array(dims);
  let logLikelihood = 0;
  for (let i = 0; i < n; i += 1) {
    const rowOffset = i * dims;
    logLikelihood += rowResponsibilities(data, rowOffset, dims, table, k, row, diff);
    for (let c = 0; c < k; c += 1) {
      const r = row[c];
      if (r === 0) continue;
      mass[c] += r;
      let m = c * triangle;
      for (let a = 0; a < dims; a += 1) {
        diff[a] = data[rowOffset + a] - table[c * stride + 1 + a];
        const weighted = r * diff[a];
        firstMoment[c * dims + a] += weighted;
        for (let b = 0; b <= a; b += 1) secondMoment[m++] += weighted * diff[b];
      }
    }
  }
  return logLikelihood;
}

function paramsFromMoments(previous: MixtureParams, scratch: MomentScratch, regCovar: number): MixtureParams {
  const { k, d, dims } = previous;
  const { mass, firstMoment, secondMoment } = scratch;
  const means = new Float64Array(k * d);
  const covariances = new Float64Array(k * d * d);
  const shift = new Float64Array(d);
  for (let c = 0; c < k; c += 1) {
    const total = mass[c] + MASS_FLOOR;
    const first = (a: number): number => firstMoment[c * dims + a];
    for (let a = 0; a < d; a += 1) {
      shift[a] = first(a) / total;
      means[c * d + a] = previous.means[c * d + a] + shift[a];
    }
    for (let a = 0; a < d; a += 1) {
      for (let b = 0; b <= a; b += 1) {
        // Σ r (x - new mean)(x - new mean)ᵀ written with the moments around the old mean.
        const second = secondMoment[c * triangleSize(dims) + triangleIndex(a, b)];
        const centred = second - first(a) * shift[b] - shift[a] * first(b) + mass[c] * shift[a] * shift[b];
        const value = centred / total + (a === b ? regCovar : 0);
        covariances[c * d * d + a * d + b] = value;
        covariances[c * d * d + b * d + a] = value;
      }
    }
  }
  return factorise(k, d, weightsFromMass(mass), means, covariances);
}
