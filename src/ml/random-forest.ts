/**
 * Random forest classifier (binary, gini) on histogram-binned features, mirroring sklearn's
 * RandomForestClassifier defaults: bootstrap rows, sqrt(n_features) candidate features per node, fully grown trees,
 * probability = mean of per-tree leaf positive shares. Bootstrap duplicates are handled as integer row weights
 * (as sklearn does), so each tree only touches the ~63% distinct rows.
 */
import { createClassificationWorkspace, growClassificationTree } from './classification-tree.js';
import { mulberry32, randomInt, type UniformRng } from './random.js';
import { fitColumns, predictColumns, toBinaryLabels, type FeatureMatrix, type FitProgress } from './tabular-input.js';
import type { TreeArrays } from './tree-arrays.js';
import { binColumns, DEFAULT_MAX_BINS } from './tree-binning.js';
import { accumulateTreesPredictions } from './tree-scoring.js';

export type MaxFeatures = 'sqrt' | 'log2' | 'all' | number;

export interface RandomForestParams {
  nEstimators: number;
  /** null = grow until pure / minSamples* limits (sklearn's max_depth=None). */
  maxDepth: number | null;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  /** 'sqrt' | 'log2' | 'all', an integer count, or a fraction in (0, 1). */
  maxFeatures: MaxFeatures;
  bootstrap: boolean;
  seed: number;
  /** Histogram bins per feature (≤ 255). */
  maxBins: number;
}

export type RandomForestOptions = Partial<RandomForestParams>;

export interface RandomForestModel {
  kind: 'random-forest';
  nFeatures: number;
  params: RandomForestParams;
  trees: TreeArrays[];
  /** Mean decrease in impurity, normalised to sum to 1. */
  featureImportances: number[];
}

export const RANDOM_FOREST_DEFAULTS: RandomForestParams = {
  nEstimators: 100,
  maxDepth: null,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
  maxFeatures: 'sqrt',
  bootstrap: true,
  seed: 0,
  maxBins: DEFAULT_MAX_BINS,
};

/** Number of candidate features per node, with sklearn's rounding rules. */
export function resolveMaxFeatures(maxFeatures: MaxFeatures, nFeatures: number): number {
  if (maxFeatures === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(nFeatures)));
  if (maxFeatures === 'log2') return Math.max(1, Math.floor(Math.log2(nFeatures)));
  if (maxFeatures === 'all') return nFeatures;
  if (maxFeatures > 0 && maxFeatures < 1) return Math.max(1, Math.floor(maxFeatures * nFeatures));
  if (Number.isInteger(maxFeatures) && maxFeatures >= 1) return Math.min(maxFeatures, nFeatures);
  throw new RangeError(`invalid maxFeatures: ${maxFeatures}`);
}

function validateParams(p: RandomForestParams): void {
  if (!Number.isInteger(p.nEstimators) || p.nEstimators < 1) throw new RangeError('nEstimators must be >= 1');
  if (p.maxDepth !== null && !(Number.isInteger(p.maxDepth) && p.maxDepth >= 1)) {
    throw new RangeError('maxDepth must be null or an integer >= 1');
  }
  if (!Number.isInteger(p.minSamplesLeaf) || p.minSamplesLeaf < 1) throw new RangeError('minSamplesLeaf must be >= 1');
  if (!Number.isInteger(p.minSamplesSplit) || p.minSamplesSplit < 2)
    throw new RangeError('minSamplesSplit must be >= 2');
}

/** Bootstrap sample as per-row multiplicities plus the list of rows drawn at least once. */
function drawBootstrap(nRows: number, rng: UniformRng, weights: Float64Array): Int32Array {
  weights.fill(0);
  for (let k = 0; k < nRows; k++) weights[randomInt(rng, nRows)] += 1;
  let drawn = 0;
  for (let i = 0; i < nRows; i++) if (weights[i] > 0) drawn++;
  const rows = new Int32Array(drawn);
  let k = 0;
  for (let i = 0; i < nRows; i++) if (weights[i] > 0) rows[k++] = i;
  return rows;
}

/** Normalises a non-negative vector to sum 1 (all zeros stays all zeros). */
function normalised(values: ArrayLike<number>): Float64Array {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const out = new Float64Array(values.length);
  if (sum > 0) for (let i = 0; i < values.length; i++) out[i] = values[i] / sum;
  return out;
}

/** Fits a binary random forest; labels must be 0/1, NaN features are allowed. Deterministic for a given seed. */
export function fitRandomForest(
  X: FeatureMatrix,
  y: ArrayLike<number>,
  options: RandomForestOptions = {},
  onProgress?: FitProgress,
  /**
   * Hears of each grown tree with its bootstrap multiplicities (0 = out of bag), e.g. for out-of-bag scores, and
   * the leaf each in-bag row landed in while the tree grew (entries of out-of-bag rows are stale).
   */
  onTree?: (tree: TreeArrays, bootstrapWeights: Float64Array, inBagLeaf: Int32Array) => void,
): RandomForestModel {
  const params: RandomForestParams = { ...RANDOM_FOREST_DEFAULTS, ...options };
  validateParams(params);
  const columns = fitColumns(X);
  const nRows = columns[0].length;
  const nFeatures = columns.length;
  const labels = toBinaryLabels(y, nRows);
  const data = binColumns(columns, params.maxBins);
  const workspace = createClassificationWorkspace(data);
  const treeOptions = {
    maxDepth: params.maxDepth ?? Number.POSITIVE_INFINITY,
    minSamplesSplit: params.minSamplesSplit,
    minSamplesLeaf: params.minSamplesLeaf,
    maxFeatures: resolveMaxFeatures(params.maxFeatures, nFeatures),
  };
  const rng = mulberry32(params.seed);
  const weights = new Float64Array(nRows);
  const allRows = Int32Array.from({ length: nRows }, (_, i) => i);
  const importanceSum = new Float64Array(nFeatures);
  const trees: TreeArrays[] = [];
  const inBagLeaf = new Int32Array(onTree ? nRows : 0);
  for (let t = 0; t < params.nEstimators; t++) {
    let rows: Int32Array;
    if (params.bootstrap) rows = drawBootstrap(nRows, rng, weights);
    else {
      weights.fill(1);
      rows = allRows.slice();
    }
    const { tree, importances } = growClassificationTree(
      data,
      labels,
      weights,
      rows,
      treeOptions,
      rng,
      workspace,
      onTree ? inBagLeaf : undefined,
    );
    trees.push(tree);
    onTree?.(tree, weights, inBagLeaf);
    const treeShare = normalised(importances);
    for (let f = 0; f < nFeatures; f++) importanceSum[f] += treeShare[f];
    onProgress?.(t + 1, params.nEstimators);
  }
  return {
    kind: 'random-forest',
    nFeatures,
    params,
    trees,
    featureImportances: Array.from(normalised(importanceSum)),
  };
}

/** P(y = 1) for each row: the mean over trees of the leaf's positive share. */
export function predictProbaForest(model: RandomForestModel, X: FeatureMatrix): Float64Array {
  const matrix = predictColumns(X, model.nFeatures);
  const out = new Float64Array(matrix.nRows);
  accumulateTreesPredictions(model.trees, matrix, out);
  for (let i = 0; i < out.length; i++) out[i] /= model.trees.length;
  return out;
}
