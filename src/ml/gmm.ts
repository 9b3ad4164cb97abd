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
 */
import { fitKMeansDense, toDenseMatrix, toRows, type DenseMatrix } from './kmeans.js';
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
const LOG_2PI = Math.log(2 * Math.PI);
// scikit-learn adds 10 machine epsilons to every component mass so an empty component does not divide by zero.
const MASS_FLOOR = 10 * Number.EPSILON;
/** Dimensions of the unrolled kernel; data with fewer features are zero-padded up to it. */
const KERNEL_DIMS = 3;
// exp(-37) < 2^-53: such a term cannot change a row's sum (whose largest term is 1), so it is skipped.
const NEGLIGIBLE_LOG_RATIO = -37;
/** The polishing EM run after split/merge: its tol relative to `tol`, and its E+M passes. */
const POLISH_TOL_FACTOR = 0.1;
const POLISH_PASSES = 12;

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
  /** Lower Cholesky factors of the covariances (k × d × d). */
  choleskyFactors: Float64Array;
  /** Per component, `tableStride(dims)` values: [log weight + log normaliser, mean, L⁻¹ lower triangle by rows]. */
  densityTable: Float64Array;
}

interface EmSettings {
  nInit: number;
  maxIter: number;
  tol: number;
  regCovar: number;
  accelerate: boolean;
  splitMergeTrials: number;
}

interface EmRun {
  params: MixtureParams;
  /** Mean per-row log-likelihood, as scikit-learn's lower bound. */
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

/** scikit-learn's loop: stop when one E+M pass raises the mean log-likelihood by less than tol. */
function plainEm(padded: DenseMatrix, initial: MixtureParams, settings: EmSettings, scratch: MomentScratch): EmRun {
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

/**
 * SQUAREM (scheme S3): from θ0 take two EM maps θ1 = F(θ0), θ2 = F(θ1); with r = θ1 - θ0 and
 * v = θ2 - 2θ1 + θ0, jump to θ' = θ0 + 2αr + α²v with α = |r|/|v| and apply one more EM map there. When the
 * jump is invalid or less likely than θ1, continue from θ2 instead. The likelihood at the start of each cycle
 * never decreases, and convergence is judged on it.
 */
function squaremEm(padded: DenseMatrix, initial: MixtureParams, settings: EmSettings, scratch: MomentScratch): EmRun {
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

/** Merge pairs (by posterior similarity) and splits (by local misfit) combined into screened moves. */
const SCREEN_PAIRS = 1;
const SCREEN_SPLITS = 2;
/** Partial EM passes per screened move. */
const SCREEN_PASSES = 5;
/** Rows whose responsibility for the three touched components is below this take no part in partial EM. */
const SCREEN_MASS = 1e-2;

/**
 * Split/merge moves (SMEM, Ueda et al. 2000). Candidate pairs to merge are ranked by the cosine similarity of
 * their posterior columns, components to split by their local misfit (KL divergence between the component's
 * share of the data and its Gaussian). The best few pairs and splits are combined, and each move is screened by
 * a short partial EM that refits only the three touched components on the rows they share, the rest of the
 * mixture held fixed (cheap: about 3/k of the rows and 3 of the k components). Returns the partially refitted
 * moves, largest likelihood gain first.
 */
function screenedMoves(padded: DenseMatrix, params: MixtureParams, regCovar: number): MixtureParams[] {
  const { k } = params;
  const { data, rows: n, cols: dims } = padded;
  const stride = tableStride(dims);
  // Weighted log densities of every row under every component, then the responsibilities from them.
  const logDensities = new Float64Array(n * k);
  const responsibilities = new Float64Array(n * k);
  const rowLogLikelihoods = new Float64Array(n);
  const diff = new Float64Array(dims);
  for (let i = 0; i < n; i += 1) {
    for (let c = 0; c < k; c += 1) {
      logDensities[i * k + c] =
        dims === KERNEL_DIMS
          ? logDensity3d(data, i * dims, params.densityTable, c * stride)
          : componentLogDensity(data, i * dims, dims, params.densityTable, c * stride, diff);
    }
    const rowLogLikelihood = logSumExp(logDensities.subarray(i * k, (i + 1) * k));
    rowLogLikelihoods[i] = rowLogLikelihood;
    for (let c = 0; c < k; c += 1) {
      const gap = logDensities[i * k + c] - rowLogLikelihood;
      responsibilities[i * k + c] = gap < NEGLIGIBLE_LOG_RATIO ? 0 : Math.exp(gap);
    }
  }
  const pairs = pairsBySimilarity(responsibilities, n, k).slice(0, SCREEN_PAIRS);
  const misfit = localMisfit(params, logDensities, responsibilities, n);
  const screened: { params: MixtureParams; gain: number }[] = [];
  for (const pair of pairs) {
    const splitOrder = Array.from({ length: k }, (_, c) => c)
      .filter((c) => c !== pair.keep && c !== pair.absorbed)
      .sort((a, b) => misfit[b] - misfit[a])
      .slice(0, SCREEN_SPLITS);
    for (const split of splitOrder) {
      const candidate = mergeAndSplit(params, pair, split, regCovar);
      if (candidate === null) continue;
      const touched = [pair.keep, pair.absorbed, split];
      const result = partialEm(
        padded,
        params,
        logDensities,
        rowLogLikelihoods,
        responsibilities,
        candidate,
        touched,
        regCovar,
      );
      if (result !== null) screened.push(result);
    }
  }
  return screened.sort((x, y) => y.gain - x.gain).map((move) => move.params);
}

/**
 * SMEM's partial EM: refits the `touched` components of `candidate` on the rows where the original mixture gives
 * them any weight, with every other component's density held fixed. Returns the refitted mixture and the
 * log-likelihood gain over `original` on those rows (null when a refitted covariance breaks down).
 */
function partialEm(
  padded: DenseMatrix,
  original: MixtureParams,
  logDensities: Float64Array,
  rowLogLikelihoods: Float64Array,
  responsibilities: Float64Array,
  candidate: MixtureParams,
  touched: number[],
  regCovar: number,
): { params: MixtureParams; gain: number } | null {
  const { data, rows: n, cols: dims } = padded;
  const { k, d } = original;
  const stride = tableStride(dims);
  const rows: number[] = [];
  for (let i = 0; i < n; i += 1) {
    let share = 0;
    for (const c of touched) share += responsibilities[i * k + c];
    if (share > SCREEN_MASS) rows.push(i);
  }
  const diff = new Float64Array(dims);
  // Per row: log Σ over untouched components (fixed), and the row's log-likelihood under the original.
  const logOther = new Float64Array(rows.length);
  let originalLogLikelihood = 0;
  rows.forEach((i, j) => {
    originalLogLikelihood += rowLogLikelihoods[i];
    let otherShare = 1;
    for (const c of touched) otherShare -= responsibilities[i * k + c];
    if (otherShare > 1e-6) {
      logOther[j] = rowLogLikelihoods[i] + Math.log(otherShare);
      return;
    }
    // Nearly all of the row's density is in the touched components: sum the rest directly (no cancellation).
    let sum = 0;
    for (let c = 0; c < k; c += 1)
      if (!touched.includes(c)) sum += Math.exp(logDensities[i * k + c] - rowLogLikelihoods[i]);
    logOther[j] = rowLogLikelihoods[i] + Math.log(sum);
  });
  const t = touched.length;
  const mass = new Float64Array(t);
  const sums = new Float64Array(t * d);
  const squares = new Float64Array(t * d * d);
  const local = new Float64Array(t);
  let current = candidate;
  let gain = -Infinity;
  for (let pass = 0; pass < SCREEN_PASSES; pass += 1) {
    mass.fill(0);
    sums.fill(0);
    squares.fill(0);
    let logLikelihood = 0;
    for (let j = 0; j < rows.length; j += 1) {
      const offset = rows[j] * dims;
      let max = logOther[j];
      for (let s = 0; s < t; s += 1) {
        local[s] =
          dims === KERNEL_DIMS
            ? logDensity3d(data, offset, current.densityTable, touched[s] * stride)
            : componentLogDensity(data, offset, dims, current.densityTable, touched[s] * stride, diff);
        if (local[s] > max) max = local[s];
      }
      let sum = logOther[j] === -Infinity ? 0 : Math.exp(logOther[j] - max);
      for (let s = 0; s < t; s += 1) {
        local[s] = Math.exp(local[s] - max);
        sum += local[s];
      }
      logLikelihood += max + Math.log(sum);
      for (let s = 0; s < t; s += 1) {
        const r = local[s] / sum;
        if (r === 0) continue;
        mass[s] += r;
        for (let a = 0; a < d; a += 1) {
          const weighted = r * data[offset + a];
          sums[s * d + a] += weighted;
          for (let b = 0; b <= a; b += 1) squares[s * d * d + a * d + b] += weighted * data[offset + b];
        }
      }
    }
    gain = logLikelihood - originalLogLikelihood;
    const logWeights = Float64Array.from(current.logWeights);
    const means = Float64Array.from(current.means);
    const covariances = Float64Array.from(current.covariances);
    for (let s = 0; s < t; s += 1) {
      const c = touched[s];
      const total = mass[s] + MASS_FLOOR;
      logWeights[c] = Math.log(total / n);
      for (let a = 0; a < d; a += 1) means[c * d + a] = sums[s * d + a] / total;
      for (let a = 0; a < d; a += 1) {
        for (let b = 0; b <= a; b += 1) {
          const value =
            squares[s * d * d + a * d + b] / total - means[c * d + a] * means[c * d + b] + (a === b ? regCovar : 0);
          covariances[c * d * d + a * d + b] = value;
          covariances[c * d * d + b * d + a] = value;
        }
      }
    }
    const next = tryFactorisation(k, d, logWeights, means, covariances);
    if (next === null) break;
    current = next;
  }
  return Number.isFinite(gain) ? { params: current, gain } : null;
}

/** componentLogDensity for 3 dimensions (table stride 10), unrolled. */
function logDensity3d(data: Float64Array, offset: number, table: Float64Array, t: number): number {
  const d0 = data[offset] - table[t + 1];
  const d1 = data[offset + 1] - table[t + 2];
  const d2 = data[offset + 2] - table[t + 3];
  const z0 = table[t + 4] * d0;
  const z1 = table[t + 5] * d0 + table[t + 6] * d1;
  const z2 = table[t + 7] * d0 + table[t + 8] * d1 + table[t + 9] * d2;
  return table[t] - 0.5 * (z0 * z0 + z1 * z1 + z2 * z2);
}

/** log Σ exp of the values (-Infinity for none). */
function logSumExp(values: Float64Array): number {
  let max = -Infinity;
  for (const value of values) if (value > max) max = value;
  if (max === -Infinity) return max;
  let sum = 0;
  for (const value of values) sum += Math.exp(value - max);
  return max + Math.log(sum);
}

/** Component pairs, most similar posterior columns first. */
function pairsBySimilarity(
  responsibilities: Float64Array,
  n: number,
  k: number,
): { keep: number; absorbed: number; similarity: number }[] {
  const dots = new Float64Array(k * k);
  for (let i = 0; i < n; i += 1) {
    const row = i * k;
    for (let a = 0; a < k; a += 1) {
      const ra = responsibilities[row + a];
      if (ra === 0) continue;
      for (let b = a; b < k; b += 1) dots[a * k + b] += ra * responsibilities[row + b];
    }
  }
  const pairs: { keep: number; absorbed: number; similarity: number }[] = [];
  for (let a = 0; a < k; a += 1) {
    for (let b = a + 1; b < k; b += 1) {
      const norms = Math.sqrt(dots[a * k + a] * dots[b * k + b]);
      pairs.push({ keep: a, absorbed: b, similarity: norms > 0 ? dots[a * k + b] / norms : 0 });
    }
  }
  return pairs.sort((x, y) => y.similarity - x.similarity);
}

/** Σᵢ fᵢ·log(fᵢ / N(xᵢ | component)) with fᵢ the component's normalised responsibilities. */
function localMisfit(
  params: MixtureParams,
  logDensities: Float64Array,
  responsibilities: Float64Array,
  n: number,
): Float64Array {
  const { k } = params;
  const mass = new Float64Array(k);
  for (let i = 0; i < n; i += 1) for (let c = 0; c < k; c += 1) mass[c] += responsibilities[i * k + c];
  const misfit = new Float64Array(k);
  for (let i = 0; i < n; i += 1) {
    for (let c = 0; c < k; c += 1) {
      const r = responsibilities[i * k + c];
      if (r === 0 || mass[c] === 0) continue;
      const share = r / mass[c];
      misfit[c] += share * (Math.log(share) - (logDensities[i * k + c] - params.logWeights[c]));
    }
  }
  return misfit;
}

/**
 * Merges `absorbed` into `keep` (moment matching) and splits `split` into itself and the freed slot: two
 * halves of its weight, means ± ½√λ along its principal axis, covariance narrowed by λ/4 along that axis.
 */
function mergeAndSplit(
  params: MixtureParams,
  pair: { keep: number; absorbed: number },
  split: number,
  regCovar: number,
): MixtureParams | null {
  const { k, d } = params;
  const weights = Array.from(params.logWeights, Math.exp);
  const means = Float64Array.from(params.means);
  const covariances = Float64Array.from(params.covariances);
  const { keep, absorbed } = pair;
  const merged = weights[keep] + weights[absorbed];
  for (let a = 0; a < d; a += 1) {
    means[keep * d + a] =
      (weights[keep] * params.means[keep * d + a] + weights[absorbed] * params.means[absorbed * d + a]) / merged;
  }
  for (let a = 0; a < d; a += 1) {
    for (let b = 0; b < d; b += 1) {
      const spread = (c: number): number =>
        params.covariances[c * d * d + a * d + b] +
        (params.means[c * d + a] - means[keep * d + a]) * (params.means[c * d + b] - means[keep * d + b]);
      covariances[keep * d * d + a * d + b] =
        (weights[keep] * spread(keep) + weights[absorbed] * spread(absorbed)) / merged;
    }
  }
  weights[keep] = merged;

  const { value: lambda, vector: axis } = principalAxis(
    params.covariances.subarray(split * d * d, (split + 1) * d * d),
    d,
  );
  const offset = 0.5 * Math.sqrt(lambda);
  weights[split] /= 2;
  weights[absorbed] = weights[split];
  for (let a = 0; a < d; a += 1) {
    means[absorbed * d + a] = params.means[split * d + a] - offset * axis[a];
    means[split * d + a] = params.means[split * d + a] + offset * axis[a];
    for (let b = 0; b < d; b += 1) {
      const narrowed = params.covariances[split * d * d + a * d + b] - 0.25 * lambda * axis[a] * axis[b];
      const value = narrowed + (a === b ? regCovar : 0);
      covariances[split * d * d + a * d + b] = value;
      covariances[absorbed * d * d + a * d + b] = value;
    }
  }
  const logWeights = Float64Array.from(weights, Math.log);
  return tryFactorisation(k, d, logWeights, means, covariances);
}

/** Largest eigenvalue and its unit eigenvector of a symmetric positive definite d × d matrix (power iteration). */
function principalAxis(matrix: Float64Array, d: number): { value: number; vector: Float64Array } {
  let vector = new Float64Array(d).fill(1 / Math.sqrt(d));
  let value = 0;
  for (let iteration = 0; iteration < 100; iteration += 1) {
    const next = new Float64Array(d);
    for (let a = 0; a < d; a += 1) for (let b = 0; b < d; b += 1) next[a] += matrix[a * d + b] * vector[b];
    const norm = Math.hypot(...next);
    if (!(norm > 0)) break;
    const converged = Math.abs(norm - value) <= 1e-12 * norm;
    value = norm;
    vector = next.map((x) => x / norm);
    if (converged) break;
  }
  return { value, vector };
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
 * One E+M pass: E-step responsibilities and the M-step's weighted moments in a single sweep over the rows,
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

/** log(weight) + log N(x | mean, Σ) of one component, from its densityTable entry; diff is scratch. */
function componentLogDensity(
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
  return factorise(k, d, weightsFromMass(mass), means, covariances);
}

function weightsFromMass(mass: Float64Array): Float64Array {
  let total = 0;
  for (const m of mass) total += m + MASS_FLOOR;
  return mass.map((m) => Math.log((m + MASS_FLOOR) / total));
}

/** Factorises every covariance and packs the E-step table; throws when a covariance is not positive definite. */
function factorise(
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
function tryFactorisation(
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
  return factorise(
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
