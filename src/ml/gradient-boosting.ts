/**
 * Histogram gradient boosting for binary log-loss, modelled on sklearn's HistGradientBoostingClassifier:
 * baseline = logit(mean y), each iteration fits a best-first tree (max_leaf_nodes) to the float32 gradients and
 * hessians of the half-binomial loss, leaf value = −learning_rate · G / (H + l2). Optional early stopping on a
 * stratified validation fraction (or on rows the caller chooses, such as the latest period) with sklearn's rule
 * (stop when none of the last n_iter_no_change validation scores beat the one before them by more than tol).
 */
import { createGradientWorkspace, growGradientTree } from './gradient-tree.js';
import { clamp, expit, log1pExp } from './math.js';
import { stratifiedSplit } from './split.js';
import {
  fitColumns,
  predictColumns,
  takeRows,
  takeValues,
  toBinaryLabels,
  type FeatureColumns,
  type FeatureMatrix,
  type FitProgress,
} from './tabular-input.js';
import { accumulateTreePredictions, type TreeArrays } from './tree-arrays.js';
import { binColumns, DEFAULT_MAX_BINS } from './tree-binning.js';
import { accumulateTreesPredictions } from './tree-scoring.js';

export interface GradientBoostingParams {
  learningRate: number;
  maxIter: number;
  maxLeafNodes: number;
  /** null = unlimited (leaf count is the limit). */
  maxDepth: number | null;
  minSamplesLeaf: number;
  l2Regularization: number;
  maxBins: number;
  /** 'auto' enables it when there are more than 10,000 rows (sklearn's rule). */
  earlyStopping: boolean | 'auto';
  validationFraction: number;
  nIterNoChange: number;
  tol: number;
  /** Seed of the validation split. */
  seed: number;
}

export type GradientBoostingOptions = Partial<GradientBoostingParams>;

export interface GradientBoostingModel {
  kind: 'gradient-boosting';
  nFeatures: number;
  params: GradientBoostingParams;
  /** Raw score (log-odds) before any tree. */
  baseline: number;
  trees: TreeArrays[];
  /** Number of boosting iterations actually run (= trees.length). */
  nIter: number;
  /** Mean log-loss on the training rows after each iteration (index 0 = baseline). */
  trainLoss: number[];
  /** Same on the validation rows when early stopping was used, else null. */
  validationLoss: number[] | null;
  /** Total split gain per feature, normalised to sum to 1. */
  featureImportances: number[];
}

export const GRADIENT_BOOSTING_DEFAULTS: GradientBoostingParams = {
  learningRate: 0.1,
  maxIter: 100,
  maxLeafNodes: 31,
  maxDepth: null,
  minSamplesLeaf: 20,
  l2Regularization: 0,
  maxBins: DEFAULT_MAX_BINS,
  earlyStopping: 'auto',
  validationFraction: 0.1,
  nIterNoChange: 10,
  tol: 1e-7,
  seed: 0,
};

/** sklearn's min_hessian_to_split. */
const MIN_HESSIAN_TO_SPLIT = 1e-3;

function validateParams(p: GradientBoostingParams): void {
  if (!(p.learningRate > 0)) throw new RangeError('learningRate must be > 0');
  if (!Number.isInteger(p.maxIter) || p.maxIter < 1) throw new RangeError('maxIter must be >= 1');
  if (!Number.isInteger(p.maxLeafNodes) || p.maxLeafNodes < 2) throw new RangeError('maxLeafNodes must be >= 2');
  if (p.maxDepth !== null && !(Number.isInteger(p.maxDepth) && p.maxDepth >= 1)) {
    throw new RangeError('maxDepth must be null or an integer >= 1');
  }
  if (!Number.isInteger(p.minSamplesLeaf) || p.minSamplesLeaf < 1) throw new RangeError('minSamplesLeaf must be >= 1');
  if (!(p.l2Regularization >= 0)) throw new RangeError('l2Regularization must be >= 0');
  if (!(p.validationFraction > 0 && p.validationFraction < 1))
    throw new RangeError('validationFraction must be in (0, 1)');
  if (!Number.isInteger(p.nIterNoChange) || p.nIterNoChange < 1) throw new RangeError('nIterNoChange must be >= 1');
}

/** Mean half-binomial loss log(1 + e^raw) − y·raw, computed stably. */
export function meanBinomialLoss(labels: ArrayLike<number>, raw: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    total += log1pExp(raw[i]) - labels[i] * raw[i];
  }
  return total / labels.length;
}

/** Gradient and hessian of the half-binomial loss w.r.t. the raw score (sklearn's closed form, stored as float32). */
function computeGradients(labels: Float64Array, raw: Float64Array, gradients: Float32Array, hessians: Float32Array) {
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i];
    const y = labels[i];
    if (r > -37) {
      const e = Math.exp(-r);
      gradients[i] = (1 - y - y * e) / (1 + e);
      hessians[i] = e / ((1 + e) * (1 + e));
    } else {
      const e = Math.exp(r);
      gradients[i] = e - y;
      hessians[i] = e;
    }
  }
}

/** sklearn's _should_stop on scores = −loss: stop if no recent score beats the reference by more than tol. */
function shouldStop(losses: number[], nIterNoChange: number, tol: number): boolean {
  if (losses.length < nIterNoChange + 1) return false;
  const reference = -losses[losses.length - nIterNoChange - 1];
  return !losses.slice(-nIterNoChange).some((loss) => -loss > reference + tol);
}

/**
 * The early-stopping rows and the rest: `given` (validated) when the caller chose them, else a stratified
 * `validationFraction` drawn with `seed`.
 */
function earlyStoppingSplit(
  labels: Float64Array,
  params: GradientBoostingParams,
  given: ArrayLike<number> | undefined,
): { train: number[]; test: number[] } {
  if (given === undefined) return stratifiedSplit(labels, params.validationFraction, params.seed);
  const n = labels.length;
  const held = new Uint8Array(n);
  for (let k = 0; k < given.length; k++) {
    const row = given[k];
    if (!Number.isInteger(row) || row < 0 || row >= n)
      throw new RangeError(`validation row ${row} is not in [0, ${n})`);
    held[row] = 1;
  }
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < n; i++) (held[i] ? test : train).push(i);
  if (test.length === 0 || train.length === 0) {
    throw new RangeError(`validation rows leave ${train.length} training and ${test.length} validation rows`);
  }
  return { train, test };
}

/**
 * Fits gradient-boosted trees for binary classification (labels 0/1; NaN features allowed). `validationRows`,
 * when given, are the rows early stopping holds out instead of a random fraction: rows drawn at random from
 * data whose rows are near copies of each other (or from a period the model will never score) would measure
 * the fit on what it already saw, and early stopping would not stop.
 */
export function fitGradientBoosting(
  X: FeatureMatrix,
  y: ArrayLike<number>,
  options: GradientBoostingOptions = {},
  onProgress?: FitProgress,
  validationRows?: ArrayLike<number>,
): GradientBoostingModel {
  const params: GradientBoostingParams = { ...GRADIENT_BOOSTING_DEFAULTS, ...options };
  validateParams(params);
  const allColumns = fitColumns(X);
  const all: FeatureColumns = { nRows: allColumns[0].length, columns: allColumns };
  const allLabels = toBinaryLabels(y, all.nRows);
  const earlyStopping = params.earlyStopping === 'auto' ? all.nRows > 10_000 : params.earlyStopping;

  // The trees see the training rows only through their bins, so those rows are binned where they are.
  let trainRows: number[] | undefined;
  let trainLabels: Float64Array = allLabels;
  let validation: FeatureColumns = { nRows: 0, columns: [] };
  let validationLabels: Float64Array = new Float64Array(0);
  if (earlyStopping) {
    const split = earlyStoppingSplit(allLabels, params, validationRows);
    trainRows = split.train;
    trainLabels = takeValues(allLabels, split.train);
    validation = takeRows(all, split.test);
    validationLabels = takeValues(allLabels, split.test);
  }

  const nFeatures = allColumns.length;
  const data = binColumns(allColumns, params.maxBins, trainRows);
  const nRows = data.nRows;
  const workspace = createGradientWorkspace(data);
  const treeOptions = {
    maxLeafNodes: params.maxLeafNodes,
    maxDepth: params.maxDepth ?? Number.POSITIVE_INFINITY,
    minSamplesLeaf: params.minSamplesLeaf,
    minHessianToSplit: MIN_HESSIAN_TO_SPLIT,
    l2Regularization: params.l2Regularization,
    shrinkage: params.learningRate,
  };

  // sklearn clips the baseline's positive rate to [eps, 1 - eps] so that the log-odds stay finite.
  const positiveRate = clamp(mean(trainLabels), Number.EPSILON, 1 - Number.EPSILON);
  const baseline = Math.log(positiveRate / (1 - positiveRate));
  const raw = new Float64Array(nRows).fill(baseline);
  const validationRaw = new Float64Array(validation.nRows).fill(baseline);
  const gradients = new Float32Array(nRows);
  const hessians = new Float32Array(nRows);
  const indices = new Int32Array(nRows);
  const importances = new Float64Array(nFeatures);
  const trees: TreeArrays[] = [];
  const trainLoss = [meanBinomialLoss(trainLabels, raw)];
  const validationLoss = earlyStopping ? [meanBinomialLoss(validationLabels, validationRaw)] : null;

  for (let iteration = 0; iteration < params.maxIter; iteration++) {
    computeGradients(trainLabels, raw, gradients, hessians);
    for (let i = 0; i < nRows; i++) indices[i] = i; // row order keeps the root histogram pass sequential
    const grown = growGradientTree(data, gradients, hessians, indices, treeOptions, workspace);
    trees.push(grown.tree);
    for (let f = 0; f < nFeatures; f++) importances[f] += grown.importances[f];
    // Training predictions come straight from the leaf partitions; no tree traversal needed.
    for (const leaf of grown.leaves) for (let k = leaf.start; k < leaf.end; k++) raw[indices[k]] += leaf.value;
    trainLoss.push(meanBinomialLoss(trainLabels, raw));
    if (validationLoss) {
      accumulateTreePredictions(grown.tree, validation, validationRaw);
      validationLoss.push(meanBinomialLoss(validationLabels, validationRaw));
      if (shouldStop(validationLoss, params.nIterNoChange, params.tol)) break;
    }
    onProgress?.(iteration + 1, params.maxIter);
  }

  const importanceTotal = importances.reduce((a, b) => a + b, 0);
  return {
    kind: 'gradient-boosting',
    nFeatures,
    params,
    baseline,
    trees,
    nIter: trees.length,
    trainLoss,
    validationLoss,
    featureImportances: Array.from(importances, (v) => (importanceTotal > 0 ? v / importanceTotal : 0)),
  };
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

/**
 * The rows (ascending) that early stopping held out of the trees and scored after each round: never fitted on,
 * so their scores are out of sample. Null when the model was fitted without early stopping. `y` and
 * `validationRows` must be what the model was fitted with.
 */
export function earlyStoppingRows(
  model: GradientBoostingModel,
  y: ArrayLike<number>,
  validationRows?: ArrayLike<number>,
): number[] | null {
  if (model.validationLoss === null) return null;
  return earlyStoppingSplit(toBinaryLabels(y, y.length), model.params, validationRows).test;
}

/** Raw log-odds score per row: baseline + Σ tree outputs. */
export function predictRawBoosting(model: GradientBoostingModel, X: FeatureMatrix): Float64Array {
  const matrix = predictColumns(X, model.nFeatures);
  const out = new Float64Array(matrix.nRows).fill(model.baseline);
  accumulateTreesPredictions(model.trees, matrix, out);
  return out;
}

/** P(y = 1) per row. */
export function predictProbaBoosting(model: GradientBoostingModel, X: FeatureMatrix): Float64Array {
  return predictRawBoosting(model, X).map(expit);
}
