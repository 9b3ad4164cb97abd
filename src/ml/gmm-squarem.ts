/** SQUAREM acceleration of Gaussian mixture EM (Varadhan & Roland 2008): extrapolate along the EM path. */
import { emStep, type EmRun, type EmSettings, type MomentScratch } from './gmm-em.js';
import { triangleSize } from './gmm-kernels.js';
import { tryFactorisation, type MixtureParams } from './gmm-params.js';
import type { DenseMatrix } from './linalg.js';

/**
 * SQUAREM (scheme S3): from θ0 take two EM maps θ1 = F(θ0), θ2 = F(θ1); with r = θ1 - θ0 and
 * v = θ2 - 2θ1 + θ0, jump to θ' = θ0 + 2αr + α²v with α = |r|/|v| and apply one more EM map there. When the
 * jump is invalid or less likely than θ1, continue from θ2 instead. The likelihood at the start of each cycle
 * never decreases, and convergence is judged on it.
 */
export function squaremEm(
  padded: DenseMatrix,
  initial: MixtureParams,
  settings: EmSettings,
  scratch: MomentScratch,
): EmRun {
  let passes = 0;
  const emMap = (params: MixtureParams): { next: MixtureParams; bound: number } => {
    passes += 1;
    const step = emStep(padded, params, settings.regCovar, scratch);
    return { next: step.params, bound: step.logLikelihood / padded.rows };
  };
  let theta = initial;
  let cycleBound = -Infinity;
  // As in scikit-learn: the latest M-step output and the bound of the parameters that produced it.
  let params = initial;
  let lowerBound = -Infinity;
  let converged = false;
  while (passes < settings.maxIter) {
    const first = emMap(theta);
    ({ next: params, bound: lowerBound } = first);
    const previous = cycleBound;
    cycleBound = first.bound;
    if (Math.abs(cycleBound - previous) < settings.tol) {
      converged = true;
      break;
    }
    if (passes >= settings.maxIter) break;
    const second = emMap(first.next);
    ({ next: params, bound: lowerBound } = second);
    const jump = passes < settings.maxIter ? squaremJump(theta, first.next, second.next) : null;
    theta = second.next;
    if (jump === null) continue;
    const stabilised = emMap(jump);
    if (stabilised.bound >= second.bound) {
      theta = stabilised.next;
      ({ next: params, bound: lowerBound } = stabilised);
    }
  }
  return { params, lowerBound, converged, iterations: passes };
}

/** The extrapolated SQUAREM point, or null when the step would not go beyond plain EM or is not a valid mixture. */
function squaremJump(start: MixtureParams, once: MixtureParams, twice: MixtureParams): MixtureParams | null {
  const v0 = toVector(start);
  const v1 = toVector(once);
  const v2 = toVector(twice);
  let rr = 0;
  let vv = 0;
  for (let i = 0; i < v0.length; i += 1) {
    const r = v1[i] - v0[i];
    const v = v2[i] - 2 * v1[i] + v0[i];
    rr += r * r;
    vv += v * v;
  }
  const alpha = Math.sqrt(rr / vv);
  if (!(alpha > 1) || !Number.isFinite(alpha)) return null;
  const jumped = new Float64Array(v0.length);
  for (let i = 0; i < v0.length; i += 1) {
    const r = v1[i] - v0[i];
    const v = v2[i] - 2 * v1[i] + v0[i];
    jumped[i] = v0[i] + 2 * alpha * r + alpha * alpha * v;
  }
  return fromVector(jumped, start.k, start.d);
}

/** Unconstrained coordinates of a mixture: log weights, means, and the Cholesky factors' lower triangles. */
function toVector(params: MixtureParams): Float64Array {
  const { k, d } = params;
  const vector = new Float64Array(k + k * d + k * triangleSize(d));
  vector.set(params.logWeights, 0);
  vector.set(params.means, k);
  let p = k + k * d;
  for (let c = 0; c < k; c += 1) {
    for (let a = 0; a < d; a += 1)
      for (let b = 0; b <= a; b += 1) vector[p++] = params.choleskyFactors[c * d * d + a * d + b];
  }
  return vector;
}

/** Mixture from toVector coordinates (weights renormalised, covariance = L·Lᵀ); null when not usable. */
function fromVector(vector: Float64Array, k: number, d: number): MixtureParams | null {
  if (!vector.every(Number.isFinite)) return null;
  const logWeights = vector.slice(0, k);
  let total = 0;
  for (const logWeight of logWeights) total += Math.exp(logWeight);
  const logTotal = Math.log(total);
  for (let c = 0; c < k; c += 1) logWeights[c] -= logTotal;
  const means = vector.slice(k, k + k * d);
  const covariances = new Float64Array(k * d * d);
  const factor = new Float64Array(d * d);
  let p = k + k * d;
  for (let c = 0; c < k; c += 1) {
    for (let a = 0; a < d; a += 1) for (let b = 0; b <= a; b += 1) factor[a * d + b] = vector[p++];
    for (let a = 0; a < d; a += 1) {
      for (let b = 0; b <= a; b += 1) {
        let sum = 0;
        for (let j = 0; j <= b; j += 1) sum += factor[a * d + j] * factor[b * d + j];
        covariances[c * d * d + a * d + b] = sum;
        covariances[c * d * d + b * d + a] = sum;
      }
    }
  }
  return tryFactorisation(k, d, logWeights, means, covariances);
}
