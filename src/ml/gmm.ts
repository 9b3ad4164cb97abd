/**
 * Gaussian mixture with full covariances, fitted by EM as scikit-learn's GaussianMixture does it:
 * k-means labels as initial responsibilities, log-space E-step (log-sum-exp), reg_covar added to every
 * covariance diagonal, stop when the mean log-likelihood changes by less than tol, keep the best of nInit runs.
 * BIC/AIC use scikit-learn's formulas.
 *
 * Speed: covariances are factorised by a hand-rolled Cholesky (d is small); each EM iteration is one pass that
 * folds every row's responsibilities straight into the M-step moments; data with up to 3 features run through
 * an unrolled 3-D kernel (fewer features are zero-padded, which changes nothing).
 */
import { fitKMeansDense, toDenseMatrix, toRows, type DenseMatrix } from './kmeans.js';
import { createRng, type Rng } from './random.js';

export interface GmmOptions {
  /** EM runs from different k-means initialisations; the highest final lower bound wins. Default 1. */
  nInit?: number;
  /** Seed of the random stream shared by all runs. Default 0. */
  seed?: number;
  /** EM iterations per run. Default 100. */
  maxIter?: number;
  /** Stop when the mean per-row log-likelihood changes by less than this. Default 1e-3. */
  tol?: number;
  /** Added to every covariance diagonal to keep it positive definite. Default 1e-6. */
  regCovar?: number;
}

/** A fitted mixture. Plain arrays only, so it survives JSON round trips (Temporal payloads, model store). */
export interface GmmModel {
  weights: number[];
  means: number[][];
  covariances: number[][][];
  /** Total log-likelihood of the training rows under the fitted model. */
  logLikelihood: number;
  bic: number;
  aic: number;
  converged: boolean;
  iterations: number;
}

const DEFAULTS = { nInit: 1, seed: 0, maxIter: 100, tol: 1e-3, regCovar: 1e-6 } as const;
const LOG_2PI = Math.log(2 * Math.PI);
// scikit-learn adds 10 machine epsilons to every component mass so an empty component does not divide by zero.
const MASS_FLOOR = 10 * Number.EPSILON;

/** Dimensions of the unrolled kernel; data with fewer features are zero-padded up to it. */
const KERNEL_DIMS = 3;

/**
 * Parameters in flat typed arrays, plus a table packed for the E-step's inner loop. The table works in `dims`
 * dimensions (d, or KERNEL_DIMS when d is smaller); padded entries are zero, so they add nothing to a density.
 */
interface MixtureParams {
  k: number;
  d: number;
  dims: number;
  logWeights: Float64Array;
  means: Float64Array; // k × d
  covariances: Float64Array; // k × d × d
  /** Per component, `stride(dims)` values: [log weight + log normaliser, mean, L⁻¹ lower triangle by rows]. */
  densityTable: Float64Array;
  /** Lower Cholesky factors of the covariances (k × d × d). */
  choleskyFactors: Float64Array;
}

interface EmSettings {
  nInit: number;
  maxIter: number;
  tol: number;
  regCovar: number;
}

interface EmRun {
  params: MixtureParams;
  lowerBound: number;
  converged: boolean;
  iterations: number;
}

export function fitGmm(rows: number[][], k: number, opts: GmmOptions = {}): GmmModel {
  const matrix = toDenseMatrix(rows, 'fitGmm');
  const settings: EmSettings = {
    nInit: opts.nInit ?? DEFAULTS.nInit,
    maxIter: opts.maxIter ?? DEFAULTS.maxIter,
    tol: opts.tol ?? DEFAULTS.tol,
    regCovar: opts.regCovar ?? DEFAULTS.regCovar,
  };
  validateGmmInput(matrix, k, settings);
  const rng = createRng(opts.seed ?? DEFAULTS.seed);
  const padded = padColumns(matrix, kernelDims(matrix.cols));
  let best: EmRun | null = null;
  for (let run = 0; run < settings.nInit; run += 1) {
    const emRun = runEm(matrix, padded, k, rng, settings);
    // Like scikit-learn: the first run, then any strictly better one.
    if (best === null || emRun.lowerBound > best.lowerBound) best = emRun;
  }
  const { params, converged, iterations } = best!;
  const logLikelihood = logLikelihoodOf(padded, params, null);
  const parameterCount = countFreeParameters(k, matrix.cols);
  const d = matrix.cols;
  return {
    weights: Array.from(params.logWeights, Math.exp),
    means: toRows(params.means, k, d),
    covariances: Array.from({ length: k }, (_, c) => toRows(params.covariances.subarray(c * d * d), d, d)),
    logLikelihood,
    bic: -2 * logLikelihood + parameterCount * Math.log(matrix.rows),
    aic: -2 * logLikelihood + 2 * parameterCount,
    converged,
    iterations,
  };
}

/** Posterior probability of each component for each row. */
export function predictGmmProba(model: GmmModel, rows: number[][]): number[][] {
  const params = paramsFromModel(model);
  const matrix = toDenseMatrix(rows, 'predictGmmProba');
  if (matrix.rows > 0 && matrix.cols !== params.d) {
    throw new RangeError(`predictGmmProba: rows have ${matrix.cols} features, the model ${params.d}`);
  }
  const responsibilities = new Float64Array(matrix.rows * params.k);
  logLikelihoodOf(padColumns(matrix, params.dims), params, responsibilities);
  return toRows(responsibilities, matrix.rows, params.k);
}

/** Most probable component for each row (lowest index on ties). */
export function predictGmm(model: GmmModel, rows: number[][]): number[] {
  return predictGmmProba(model, rows).map((probabilities) =>
    probabilities.reduce((best, p, c) => (p > probabilities[best] ? c : best), 0),
  );
}

/** Free parameters of a full-covariance mixture: covariances, means, and k - 1 weights. */
export function countFreeParameters(k: number, d: number): number {
  return (k * d * (d + 1)) / 2 + k * d + k - 1;
}

function validateGmmInput(matrix: DenseMatrix, k: number, settings: EmSettings): void {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`fitGmm: k must be a positive integer, got ${k}`);
  if (matrix.cols < 1) throw new RangeError('fitGmm: rows need at least one feature');
  if (k > matrix.rows) throw new RangeError(`fitGmm: k (${k}) must not exceed the number of rows (${matrix.rows})`);
  if (!Number.isInteger(settings.nInit) || settings.nInit < 1) {
    throw new RangeError('fitGmm: nInit must be a positive integer');
  }
  if (!Number.isInteger(settings.maxIter) || settings.maxIter < 1) {
    throw new RangeError('fitGmm: maxIter must be a positive integer');
  }
  if (!(settings.tol >= 0)) throw new RangeError('fitGmm: tol must be >= 0');
  if (!(settings.regCovar >= 0)) throw new RangeError('fitGmm: regCovar must be >= 0');
}

function runEm(matrix: DenseMatrix, padded: DenseMatrix, k: number, rng: Rng, settings: EmSettings): EmRun {
  const scratch = createMomentScratch(k, padded.cols);
  const cands = Number(process.env.CANDS ?? 1);
  const short = Number(process.env.SHORT ?? 0);
  let start: { params: MixtureParams; lowerBound: number; iterations: number } | null = null;
  for (let m = 0; m < cands; m += 1) {
    let params = paramsFromLabels(matrix, kMeansLabels(matrix, k, rng), k, settings.regCovar);
    let lb = -Infinity;
    for (let it = 0; it < short; it += 1) {
      const step = emStep(padded, params, settings.regCovar, scratch);
      lb = step.logLikelihood / matrix.rows;
      params = step.params;
    }
    if (start === null || lb > start.lowerBound) start = { params, lowerBound: lb, iterations: short };
  }
  let run = emToConvergence(padded, start!.params, settings, scratch);
  const trials = Number(process.env.SM ?? 0);
  for (let t = 0; t < trials && k >= 3; t += 1) {
    const candidate = splitMerge(padded, run.params, settings.regCovar, t);
    if (candidate === null) break;
    const next = emToConvergence(padded, candidate, settings, scratch, run.lowerBound);
    if (process.env.SMDEBUG) console.error(k, t, run.lowerBound, next.lowerBound, next.iterations);
    if (next.lowerBound > run.lowerBound) run = { ...next, iterations: next.iterations };
  }
  return run;
}

function emToConvergence(
  padded: DenseMatrix,
  initial: MixtureParams,
  settings: EmSettings,
  scratch: MomentScratch,
  target = Infinity,
): EmRun {
  void target;
  if (process.env.SQ === '1') return squaremEm(padded, initial, settings, scratch);
  let params = initial;
  let lowerBound = -Infinity;
  let converged = false;
  let iterations = 0;
  for (let iteration = 1; iteration <= settings.maxIter; iteration += 1) {
    iterations = iteration;
    const previous = lowerBound;
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

function toVector(p: MixtureParams): Float64Array {
  const { k, d } = p;
  const tri = (d * (d + 1)) / 2;
  const out = new Float64Array(k + k * d + k * tri);
  out.set(p.logWeights, 0);
  out.set(p.means, k);
  let o = k + k * d;
  for (let c = 0; c < k; c += 1)
    for (let a = 0; a < d; a += 1) for (let b = 0; b <= a; b += 1) out[o++] = p.choleskyFactors[c * d * d + a * d + b];
  return out;
}

function fromVector(v: Float64Array, k: number, d: number): MixtureParams | null {
  const logWeights = v.slice(0, k);
  let total = 0;
  for (const w of logWeights) total += Math.exp(w);
  const logTotal = Math.log(total);
  for (let c = 0; c < k; c += 1) logWeights[c] -= logTotal;
  const means = v.slice(k, k + k * d);
  const covariances = new Float64Array(k * d * d);
  const factor = new Float64Array(d * d);
  let o = k + k * d;
  for (let c = 0; c < k; c += 1) {
    factor.fill(0);
    for (let a = 0; a < d; a += 1) for (let b = 0; b <= a; b += 1) factor[a * d + b] = v[o++];
    for (let a = 0; a < d; a += 1) {
      for (let b = 0; b <= a; b += 1) {
        let sum = 0;
        for (let j = 0; j <= b; j += 1) sum += factor[a * d + j] * factor[b * d + j];
        covariances[c * d * d + a * d + b] = sum;
        covariances[c * d * d + b * d + a] = sum;
      }
    }
  }
  if (!logWeights.every(Number.isFinite) || !means.every(Number.isFinite)) return null;
  try {
    return withFactorisation(k, d, logWeights, means, covariances);
  } catch {
    return null;
  }
}

let sqStats = { cycles: 0, accepted: 0, invalid: 0, worse: 0 };
process.on('exit', () => {
  if (process.env.SQSTATS) console.error(JSON.stringify(sqStats));
});

function squaremEm(padded: DenseMatrix, initial: MixtureParams, settings: EmSettings, scratch: MomentScratch): EmRun {
  const n = padded.rows;
  const { k, d } = initial;
  let evaluations = 0;
  const evaluate = (p: MixtureParams) => {
    evaluations += 1;
    const step = emStep(padded, p, settings.regCovar, scratch);
    return { next: step.params, bound: step.logLikelihood / n };
  };
  let theta = initial;
  let lowerBound = -Infinity;
  let result = initial;
  let converged = false;
  const trace = process.env.TRACE === String(k);
  while (evaluations < settings.maxIter) {
    const s0 = evaluate(theta);
    const previous = lowerBound;
    lowerBound = s0.bound;
    result = s0.next;
    if (trace)
      console.error(
        'cycle eval',
        evaluations,
        'bound',
        s0.bound.toFixed(6),
        'delta',
        (s0.bound - previous).toExponential(2),
      );
    if (Math.abs(lowerBound - previous) < settings.tol) {
      converged = true;
      break;
    }
    if (evaluations >= settings.maxIter) break;
    const s1 = evaluate(s0.next);
    result = s1.next;
    lowerBound = Math.max(lowerBound, s1.bound);
    if (evaluations >= settings.maxIter) break;
    sqStats.cycles += 1;
    const v0 = toVector(theta);
    const v1 = toVector(s0.next);
    const v2 = toVector(s1.next);
    let rr = 0;
    let vv = 0;
    const r = new Float64Array(v0.length);
    const v = new Float64Array(v0.length);
    for (let i = 0; i < v0.length; i += 1) {
      r[i] = v1[i] - v0[i];
      v[i] = v2[i] - 2 * v1[i] + v0[i];
      rr += r[i] * r[i];
      vv += v[i] * v[i];
    }
    let alpha = -Math.sqrt(rr / vv);
    const maxStep = Number(process.env.MAXSTEP ?? 1e9);
    if (!(alpha < -1)) {
      theta = s1.next;
      continue;
    }
    alpha = Math.max(alpha, -maxStep);
    let candidate: MixtureParams | null = null;
    while (alpha < -1) {
      const x = new Float64Array(v0.length);
      for (let i = 0; i < x.length; i += 1) x[i] = v0[i] - 2 * alpha * r[i] + alpha * alpha * v[i];
      candidate = fromVector(x, k, d);
      if (candidate !== null) break;
      sqStats.invalid += 1;
      alpha = (alpha - 1) / 2;
    }
    if (candidate === null || !(alpha < -1)) {
      theta = s1.next;
      continue;
    }
    const s2 = evaluate(candidate);
    if (s2.bound >= s1.bound) {
      sqStats.accepted += 1;
      theta = s2.next;
      lowerBound = Math.max(lowerBound, s2.bound);
      result = s2.next;
    } else {
      sqStats.worse += 1;
      theta = s1.next;
    }
  }
  return { params: result, lowerBound, converged, iterations: evaluations };
}

/** θ + rate·(F(θ) - θ) with weights in log space and covariances through their Cholesky factors. */
function overRelax(from: MixtureParams, to: MixtureParams, rate: number): MixtureParams | null {
  const { k, d } = from;
  const lerp = (a: number, b: number): number => a + rate * (b - a);
  const logWeights = from.logWeights.map((w, c) => lerp(w, to.logWeights[c]));
  let total = 0;
  for (const w of logWeights) total += Math.exp(w);
  const logTotal = Math.log(total);
  for (let c = 0; c < k; c += 1) logWeights[c] -= logTotal;
  const means = from.means.map((m, i) => lerp(m, to.means[i]));
  const covariances = new Float64Array(k * d * d);
  const factor = new Float64Array(d * d);
  for (let c = 0; c < k; c += 1) {
    const o = c * d * d;
    for (let i = 0; i < d * d; i += 1) factor[i] = lerp(from.choleskyFactors[o + i], to.choleskyFactors[o + i]);
    for (let j = 0; j < d; j += 1) if (!(factor[j * d + j] > 0)) return null;
    for (let a = 0; a < d; a += 1) {
      for (let b = 0; b <= a; b += 1) {
        let sum = 0;
        for (let j = 0; j <= b; j += 1) sum += factor[a * d + j] * factor[b * d + j];
        covariances[o + a * d + b] = sum;
        covariances[o + b * d + a] = sum;
      }
    }
  }
  try {
    return withFactorisation(k, d, logWeights, means, covariances);
  } catch {
    return null;
  }
}

function splitMerge(padded: DenseMatrix, params: MixtureParams, regCovar: number, trial: number): MixtureParams | null {
  const { k, d, dims } = params;
  const n = padded.rows;
  const resp = new Float64Array(n * k);
  logLikelihoodOf(padded, params, resp);
  // merge candidates: pairs by posterior cosine similarity
  const norms = new Float64Array(k);
  const dots = new Float64Array(k * k);
  for (let i = 0; i < n; i += 1) {
    for (let a = 0; a < k; a += 1) {
      const ra = resp[i * k + a];
      if (ra === 0) continue;
      for (let b = a; b < k; b += 1) dots[a * k + b] += ra * resp[i * k + b];
    }
  }
  for (let a = 0; a < k; a += 1) norms[a] = Math.sqrt(dots[a * k + a]);
  const pairs: [number, number, number][] = [];
  for (let a = 0; a < k; a += 1)
    for (let b = a + 1; b < k; b += 1) pairs.push([dots[a * k + b] / (norms[a] * norms[b] + 1e-300), a, b]);
  pairs.sort((x, y) => y[0] - x[0]);
  // split criterion: local KL
  const stride = tableStride(dims);
  const kl = new Float64Array(k);
  const mass = new Float64Array(k);
  for (let i = 0; i < n; i += 1) for (let c = 0; c < k; c += 1) mass[c] += resp[i * k + c];
  const diff = new Float64Array(dims);
  for (let i = 0; i < n; i += 1) {
    for (let c = 0; c < k; c += 1) {
      const r = resp[i * k + c];
      if (r < 1e-300) continue;
      const f = r / mass[c];
      const base = c * stride;
      for (let j = 0; j < dims; j += 1) diff[j] = padded.data[i * dims + j] - params.densityTable[base + 1 + j];
      let t = base + 1 + dims;
      let maha = 0;
      for (let r2 = 0; r2 < dims; r2 += 1) {
        let z = 0;
        for (let j = 0; j <= r2; j += 1) z += params.densityTable[t++] * diff[j];
        maha += z * z;
      }
      const logp = params.densityTable[base] - params.logWeights[c] - 0.5 * maha;
      kl[c] += f * (Math.log(f) - logp);
    }
  }
  const pairIndex = Math.floor(trial / 2) % pairs.length;
  const [, mi, mj] = pairs[pairIndex];
  let split = -1;
  for (let c = 0; c < k; c += 1) if (c !== mi && c !== mj && (split === -1 || kl[c] > kl[split])) split = c;
  if (trial % 2 === 1) {
    // second-best split
    let second = -1;
    for (let c = 0; c < k; c += 1)
      if (c !== mi && c !== mj && c !== split && (second === -1 || kl[c] > kl[second])) second = c;
    if (second !== -1) split = second;
  }
  if (split === -1) return null;
  const weights = Array.from(params.logWeights, Math.exp);
  const means = Float64Array.from(params.means);
  const cov = Float64Array.from(params.covariances);
  // merge mi, mj into mi
  const w = weights[mi] + weights[mj];
  for (let a = 0; a < d; a += 1)
    means[mi * d + a] = (weights[mi] * params.means[mi * d + a] + weights[mj] * params.means[mj * d + a]) / w;
  for (let a = 0; a < d; a += 1)
    for (let b = 0; b < d; b += 1) {
      const di = (x: number, c: number) => params.means[c * d + x] - means[mi * d + x];
      cov[mi * d * d + a * d + b] =
        (weights[mi] * (params.covariances[mi * d * d + a * d + b] + di(a, mi) * di(b, mi)) +
          weights[mj] * (params.covariances[mj * d * d + a * d + b] + di(a, mj) * di(b, mj))) /
        w;
    }
  weights[mi] = w;
  // split `split` into split and mj
  const S = params.covariances.subarray(split * d * d, (split + 1) * d * d);
  let v = new Float64Array(d).fill(1 / Math.sqrt(d));
  let lambda = 0;
  for (let it = 0; it < 50; it += 1) {
    const nv = new Float64Array(d);
    for (let a = 0; a < d; a += 1) for (let b = 0; b < d; b += 1) nv[a] += S[a * d + b] * v[b];
    lambda = Math.hypot(...nv);
    v = nv.map((x) => x / lambda);
  }
  const offset = 0.5 * Math.sqrt(lambda);
  weights[split] /= 2;
  weights[mj] = weights[split];
  for (let a = 0; a < d; a += 1) {
    means[mj * d + a] = params.means[split * d + a] - offset * v[a];
    means[split * d + a] = params.means[split * d + a] + offset * v[a];
  }
  for (let a = 0; a < d; a += 1)
    for (let b = 0; b < d; b += 1) {
      const value = S[a * d + b] - 0.25 * lambda * v[a] * v[b] + (a === b ? regCovar : 0);
      cov[split * d * d + a * d + b] = value;
      cov[mj * d * d + a * d + b] = value;
    }
  const total = weights.reduce((x, y) => x + y, 0);
  return withFactorisation(
    k,
    d,
    Float64Array.from(weights, (x) => Math.log(x / total)),
    means,
    cov,
  );
}

/** scikit-learn's 'kmeans' init: the labels of one plain k-means run (greedy k-means++ seeding, Lloyd). */
function kMeansLabels(matrix: DenseMatrix, k: number, rng: Rng): Int32Array {
  const fit = fitKMeansDense(matrix, k, {
    nInit: 1,
    rng,
    maxIter: 300,
    tol: 1e-4,
    hartiganRefinement: process.env.INIT_KM === 'refined',
    swapTrials: process.env.INIT_KM === 'refined' ? 3 : 0,
  });
  return fit.labels;
}

/** Responsibility-weighted moments of the rows around each component's current mean (in `dims` dimensions). */
interface MomentScratch {
  mass: Float64Array; // k: Σ r
  firstMoment: Float64Array; // k × dims: Σ r (x - mean)
  secondMoment: Float64Array; // k × dims(dims+1)/2: Σ r (x - mean)(x - mean)ᵀ, lower triangle by rows
  responsibilities: Float64Array; // k: one row's weighted log densities, then its responsibilities
}

function createMomentScratch(k: number, dims: number): MomentScratch {
  return {
    mass: new Float64Array(k),
    firstMoment: new Float64Array(k * dims),
    secondMoment: new Float64Array(k * triangleSize(dims)),
    responsibilities: new Float64Array(k),
  };
}

/**
 * One EM iteration: E-step responsibilities and the M-step's weighted moments in a single pass over the rows,
 * so the n × k responsibility matrix is never stored. Moments are taken around the current means, which are
 * close to the new ones, so the covariance update does not lose precision to cancellation.
 */
function emStep(
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

// Responsibilities below this add nothing measurable, and skipping them avoids slow subnormal arithmetic.
const NEGLIGIBLE_RESPONSIBILITY = 1e-300;

/** Unrolled emStep pass for 3 dimensions (table stride 10). Returns the total log-likelihood. */
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
      const scaled = Math.exp(row[c] - max);
      row[c] = scaled;
      sum += scaled;
    }
    logLikelihood += max + Math.log(sum);
    const inverseSum = 1 / sum;
    for (let c = 0; c < k; c += 1) {
      const r = row[c] * inverseSum;
      if (r < NEGLIGIBLE_RESPONSIBILITY) continue;
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

/** Any-dimension emStep pass. Returns the total log-likelihood. */
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
      if (r < NEGLIGIBLE_RESPONSIBILITY) continue;
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

/**
 * Writes one row's responsibilities into out and returns its log-likelihood. The weighted log densities are
 * combined with log-sum-exp so that rows far from every component do not underflow to probability zero.
 */
function rowResponsibilities(
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
    const base = c * stride;
    for (let j = 0; j < dims; j += 1) diff[j] = data[rowOffset + j] - table[base + 1 + j];
    let t = base + 1 + dims;
    let mahalanobis = 0;
    for (let r = 0; r < dims; r += 1) {
      let z = 0;
      for (let j = 0; j <= r; j += 1) z += table[t++] * diff[j];
      mahalanobis += z * z;
    }
    const logDensity = table[base] - 0.5 * mahalanobis;
    out[c] = logDensity;
    if (logDensity > max) max = logDensity;
  }
  let sum = 0;
  for (let c = 0; c < k; c += 1) {
    const scaled = Math.exp(out[c] - max);
    out[c] = scaled;
    sum += scaled;
  }
  const inverseSum = 1 / sum;
  for (let c = 0; c < k; c += 1) out[c] *= inverseSum;
  return max + Math.log(sum);
}

/** Total log-likelihood of the (padded) rows; also writes responsibilities (n × k) when a buffer is given. */
function logLikelihoodOf(padded: DenseMatrix, params: MixtureParams, responsibilities: Float64Array | null): number {
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

/** New parameters from the moments around the old means: scikit-learn's estimates, shifted for precision. */
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
  return withFactorisation(k, d, weightsFromMass(mass), means, covariances);
}

/** Initial parameters from hard labels (one-hot responsibilities), two-pass like scikit-learn. */
function paramsFromLabels(matrix: DenseMatrix, labels: Int32Array, k: number, regCovar: number): MixtureParams {
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
  return withFactorisation(k, d, weightsFromMass(mass), means, covariances);
}

function weightsFromMass(mass: Float64Array): Float64Array {
  let total = 0;
  for (const m of mass) total += m + MASS_FLOOR;
  return mass.map((m) => Math.log((m + MASS_FLOOR) / total));
}

/** Factorises every covariance and packs the E-step table; throws when a covariance is not positive definite. */
function withFactorisation(
  k: number,
  d: number,
  logWeights: Float64Array,
  means: Float64Array,
  covariances: Float64Array,
): MixtureParams {
  const dims = kernelDims(d);
  const stride = tableStride(dims);
  const densityTable = new Float64Array(k * stride);
  const choleskyFactors = new Float64Array(k * d * d);
  for (let c = 0; c < k; c += 1) {
    const lower = choleskyLower(covariances.subarray(c * d * d, (c + 1) * d * d), d);
    if (lower === null) {
      throw new RangeError(
        `Gaussian mixture: covariance of component ${c} is not positive definite ` +
          '(collapsed component or duplicate rows); increase regCovar or reduce k',
      );
    }
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
  return { k, d, dims, logWeights, means, covariances, densityTable, choleskyFactors };
}

/** Lower Cholesky factor L with L·Lᵀ = a (row-major d × d), or null when a is not positive definite. */
export function choleskyLower(a: Float64Array, d: number): Float64Array | null {
  const lower = new Float64Array(d * d);
  for (let r = 0; r < d; r += 1) {
    for (let c = 0; c <= r; c += 1) {
      let sum = a[r * d + c];
      for (let j = 0; j < c; j += 1) sum -= lower[r * d + j] * lower[c * d + j];
      if (r === c) {
        if (!(sum > 0)) return null;
        lower[r * d + r] = Math.sqrt(sum);
      } else lower[r * d + c] = sum / lower[c * d + c];
    }
  }
  return lower;
}

/** Inverse of a lower-triangular matrix (also lower-triangular), by forward substitution on the identity. */
function invertLowerTriangular(lower: Float64Array, d: number): Float64Array {
  const inverse = new Float64Array(d * d);
  for (let col = 0; col < d; col += 1) {
    for (let r = col; r < d; r += 1) {
      let sum = r === col ? 1 : 0;
      for (let j = col; j < r; j += 1) sum -= lower[r * d + j] * inverse[j * d + col];
      inverse[r * d + col] = sum / lower[r * d + r];
    }
  }
  return inverse;
}

function paramsFromModel(model: GmmModel): MixtureParams {
  const k = model.weights.length;
  const d = k > 0 && model.means.length > 0 ? model.means[0].length : 0;
  const wellFormed =
    k > 0 &&
    d > 0 &&
    model.means.length === k &&
    model.means.every((mean) => mean.length === d) &&
    model.covariances.length === k &&
    model.covariances.every((cov) => cov.length === d && cov.every((row) => row.length === d));
  if (!wellFormed) throw new RangeError('Gaussian mixture: model needs k weights, k means and k d×d covariances');
  return withFactorisation(
    k,
    d,
    Float64Array.from(model.weights, Math.log),
    Float64Array.from(model.means.flat()),
    Float64Array.from(model.covariances.flat(2)),
  );
}

function kernelDims(d: number): number {
  return Math.max(d, KERNEL_DIMS);
}

/** Copy of the matrix with zero columns appended up to `dims` (the same matrix when nothing to add). */
function padColumns(matrix: DenseMatrix, dims: number): DenseMatrix {
  if (matrix.cols === dims) return matrix;
  const data = new Float64Array(matrix.rows * dims);
  for (let i = 0; i < matrix.rows; i += 1) {
    data.set(matrix.data.subarray(i * matrix.cols, (i + 1) * matrix.cols), i * dims);
  }
  return { data, rows: matrix.rows, cols: dims };
}

function triangleSize(dims: number): number {
  return (dims * (dims + 1)) / 2;
}

/** Position of (row a, column b ≤ a) in a lower triangle stored row by row; independent of the dimension. */
function triangleIndex(a: number, b: number): number {
  return (a * (a + 1)) / 2 + b;
}

function tableStride(dims: number): number {
  return 1 + dims + triangleSize(dims);
}
