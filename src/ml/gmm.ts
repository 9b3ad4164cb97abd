/**
 * Gaussian mixture with full covariances, fitted by EM the way scikit-learn's GaussianMixture sets it up:
 * k-means labels as initial responsibilities, log-space E-step (log-sum-exp), reg_covar added to every
 * covariance diagonal, per-row mean log-likelihood as the convergence measure, best of nInit runs, and
 * scikit-learn's BIC/AIC formulas.
 *
 * Two deliberate differences, both switchable off (`accelerate: false, splitMergeTrials: 0` is plain
 * scikit-learn EM):
 * - SQUAREM acceleration (Varadhan & Roland 2008). On skewed data, EM crawls across long plateaus where the
 *   per-iteration gain drops below tol = 1e-3 long before the optimum, so scikit-learn stops hundreds of BIC
 *   units short and the amount varies with the seed. SQUAREM extrapolates along the EM path; convergence is
 *   then judged per SQUAREM cycle (three EM maps), and maxIter still counts E+M passes.
 * - Split/merge trials (after Ueda et al. 2000, SMEM): merge the two components with the most similar
 *   posteriors, split one that fits its rows poorly, re-run EM, keep it if the likelihood is higher.
 *   This escapes optima where one cluster holds two components and another cluster gets none. Candidate
 *   moves are screened by a short partial EM on the touched components only, and the winner is polished by
 *   a few more EM passes at a tighter tolerance.
 *
 * Speed: covariances are factorised by a hand-rolled Cholesky (d is small); each EM pass folds every row's
 * responsibilities straight into the M-step moments; data with up to 3 features run through an unrolled 3-D
 * kernel (fewer features are zero-padded, which changes nothing).
 *
 * This module is the public fit/predict entry and runs the fits; the pieces live in gmm-em (E+M pass, plain EM),
 * gmm-squarem, gmm-split-merge, gmm-kernels (density evaluation), gmm-params (parameter layout) and linalg.
 */
import { createMomentScratch, plainEm, type EmRun, type EmSettings, type MomentScratch } from './gmm-em.js';
import { kernelDims, logLikelihoodOf, padColumns } from './gmm-kernels.js';
import { factorise, paramsFromLabels, type MixtureParams } from './gmm-params.js';
import { screenedMoves } from './gmm-split-merge.js';
import { squaremEm } from './gmm-squarem.js';
import { fitKMeansDense } from './kmeans.js';
import { toDenseMatrix, toRows, type DenseMatrix } from './linalg.js';
import { createRng, type Rng } from './random.js';

export interface GmmOptions {
  /** Independent runs from different k-means initialisations; the highest lower bound wins. Default 1. */
  nInit?: number;
  /** Seed of the random stream shared by all runs. Default 0. */
  seed?: number;
  /** E+M passes per EM run. Default 100. */
  maxIter?: number;
  /** Stop when an iteration (a SQUAREM cycle when accelerated) raises the mean log-likelihood by less. Default 1e-3. */
  tol?: number;
  /** Added to every covariance diagonal to keep it positive definite. Default 1e-6. */
  regCovar?: number;
  /** SQUAREM-accelerated EM. Default true. */
  accelerate?: boolean;
  /** Split/merge moves tried after each run converges (needs k >= 3). Default 2. */
  splitMergeTrials?: number;
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
  /** E+M passes of the winning EM run. */
  iterations: number;
}

const DEFAULTS = {
  nInit: 1,
  seed: 0,
  maxIter: 100,
  tol: 1e-3,
  regCovar: 1e-6,
  accelerate: true,
  splitMergeTrials: 2,
} as const;
/** The polishing EM run after split/merge: its tol relative to `tol`, and its E+M passes. */
const POLISH_TOL_FACTOR = 0.1;
const POLISH_PASSES = 12;

export function fitGmm(rows: number[][], k: number, opts: GmmOptions = {}): GmmModel {
  return fitGmmMatrix(toDenseMatrix(rows, 'fitGmm'), k, opts);
}

/** fitGmm on a row-major matrix (no per-row arrays: what a worker thread receives). */
export function fitGmmMatrix(matrix: DenseMatrix, k: number, opts: GmmOptions = {}): GmmModel {
  const settings: EmSettings = {
    nInit: opts.nInit ?? DEFAULTS.nInit,
    maxIter: opts.maxIter ?? DEFAULTS.maxIter,
    tol: opts.tol ?? DEFAULTS.tol,
    regCovar: opts.regCovar ?? DEFAULTS.regCovar,
    accelerate: opts.accelerate ?? DEFAULTS.accelerate,
    splitMergeTrials: opts.splitMergeTrials ?? DEFAULTS.splitMergeTrials,
  };
  validateGmmInput(matrix, k, settings);
  const rng = createRng(opts.seed ?? DEFAULTS.seed);
  const padded = padColumns(matrix, kernelDims(matrix.cols));
  let best: EmRun | null = null;
  for (let run = 0; run < settings.nInit; run += 1) {
    const candidate = fitOnce(matrix, padded, k, rng, settings);
    // Like scikit-learn: the first run, then any strictly better one.
    if (best === null || candidate.lowerBound > best.lowerBound) best = candidate;
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

/** Most probable component of each row of a row-major matrix (lowest index on ties), without per-row arrays. */
export function predictGmmMatrix(model: GmmModel, matrix: DenseMatrix): Int32Array {
  const params = paramsFromModel(model);
  if (matrix.rows > 0 && matrix.cols !== params.d) {
    throw new RangeError(`predictGmmMatrix: rows have ${matrix.cols} features, the model ${params.d}`);
  }
  const { k } = params;
  const responsibilities = new Float64Array(matrix.rows * k);
  logLikelihoodOf(padColumns(matrix, params.dims), params, responsibilities);
  const labels = new Int32Array(matrix.rows);
  for (let i = 0; i < matrix.rows; i += 1) {
    let best = 0;
    for (let c = 1; c < k; c += 1) if (responsibilities[i * k + c] > responsibilities[i * k + best]) best = c;
    labels[i] = best;
  }
  return labels;
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
  const positiveIntegers = { nInit: settings.nInit, maxIter: settings.maxIter };
  for (const [name, value] of Object.entries(positiveIntegers)) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`fitGmm: ${name} must be a positive integer`);
  }
  if (!Number.isInteger(settings.splitMergeTrials) || settings.splitMergeTrials < 0) {
    throw new RangeError('fitGmm: splitMergeTrials must be a non-negative integer');
  }
  if (!(settings.tol >= 0)) throw new RangeError('fitGmm: tol must be >= 0');
  if (!(settings.regCovar >= 0)) throw new RangeError('fitGmm: regCovar must be >= 0');
}

/** One of the nInit runs: k-means init, EM to convergence, then split/merge trials kept when they help. */
function fitOnce(matrix: DenseMatrix, padded: DenseMatrix, k: number, rng: Rng, settings: EmSettings): EmRun {
  const scratch = createMomentScratch(k, padded.cols);
  const initial = paramsFromLabels(matrix, kMeansLabels(matrix, k, rng), k, settings.regCovar);
  let best = runEm(padded, initial, settings, scratch);
  // With fewer than 3 components a merge and a split would touch the same components.
  const trials = k >= 3 ? settings.splitMergeTrials : 0;
  // Screened moves for the current best, most promising first; rebuilt whenever a move is accepted.
  let queue: MixtureParams[] = [];
  for (let trial = 0; trial < trials; trial += 1) {
    if (queue.length === 0) queue = screenedMoves(padded, best.params, settings.regCovar);
    const candidate = queue.shift();
    if (candidate === undefined) break;
    const refitted = runEm(padded, candidate, settings, scratch);
    if (refitted.lowerBound > best.lowerBound) {
      best = refitted;
      queue = [];
    }
  }
  if (trials > 0 && settings.accelerate) {
    // Polish the winner: a tol-per-row of 1e-3 still stops SQUAREM on slow plateaus; a few more cycles at a
    // tenth of it reliably gain tens of BIC units at high k for a fraction of one EM run.
    const polishSettings = { ...settings, tol: settings.tol * POLISH_TOL_FACTOR, maxIter: POLISH_PASSES };
    const polished = runEm(padded, best.params, polishSettings, scratch);
    if (polished.lowerBound > best.lowerBound) {
      best = {
        ...polished,
        converged: best.converged || polished.converged,
        iterations: best.iterations + polished.iterations,
      };
    }
  }
  return best;
}

/** scikit-learn's 'kmeans' init: the labels of one plain k-means run (greedy k-means++ seeding, Lloyd). */
function kMeansLabels(matrix: DenseMatrix, k: number, rng: Rng): Int32Array {
  const fit = fitKMeansDense(matrix, k, {
    nInit: 1,
    rng,
    maxIter: 300,
    tol: 1e-4,
    hartiganRefinement: false,
    swapTrials: 0,
  });
  return fit.labels;
}

function runEm(padded: DenseMatrix, initial: MixtureParams, settings: EmSettings, scratch: MomentScratch): EmRun {
  return settings.accelerate
    ? squaremEm(padded, initial, settings, scratch)
    : plainEm(padded, initial, settings, scratch);
}

/** Typed-array parameters of a (possibly JSON-loaded) model; throws when its shape or a covariance is unusable. */
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
  return factorise(
    k,
    d,
    Float64Array.from(model.weights, Math.log),
    Float64Array.from(model.means.flat()),
    Float64Array.from(model.covariances.flat(2)),
  );
}
