/**
 * A classifier fitted together with out-of-sample scores of its own training rows, for choosing a decision
 * threshold and as the score distribution drift is measured against (in-sample scores of a forest are far more
 * extreme than its scores of new rows). Wherever the fit already holds rows out, they are used at no extra cost:
 * a forest's out-of-bag rows, boosting's early-stopping rows. Otherwise the model is fitted again on 80% of
 * the rows and scores the other 20%.
 */
import { fitClassifier, predictProba, type ClassifierModel, type ClassifierSpec } from './classifiers.js';
import { earlyStoppingRows, fitGradientBoosting } from './gradient-boosting.js';
import { fitLogisticRegressionInPlace, type LogisticRegressionOptions } from './logistic-regression.js';
import { fitRandomForest } from './random-forest.js';
import { stratifiedSplit } from './split.js';
import { takeRows, takeValues, type FeatureColumns, type FitProgress } from './tabular-input.js';
import { leafIndexAt } from './tree-arrays.js';

export type HeldOutSource = 'out-of-bag' | 'early-stopping' | 'refit';

export interface HeldOutScores {
  /** Where the scores come from. */
  source: HeldOutSource;
  scores: Float64Array;
  labels: Float64Array;
}

export interface FitWithHeldOut {
  model: ClassifierModel;
  heldOut: HeldOutScores;
  /**
   * The model's P(y = 1) for every training row, when the fit gives it for free: the forest's in-bag rows from
   * the leaves they grew into, its out-of-bag rows from the routing their out-of-bag scores need. The same
   * numbers as predictProba(model, X), without a second walk of every tree (10% of the forest's task at 10×).
   */
  inSampleScores?: Float64Array;
}

/** Progress of the fit, then (for a refit) of the held-out fit. */
export type HeldOutProgress = (phase: 'fit' | 'held-out', done: number, total: number) => void;

/**
 * `earlyStoppingValidation`: the rows boosting holds out for early stopping (its held-out scores are theirs); when
 * absent, a stratified random fraction.
 */
export function fitWithHeldOutScores(
  spec: ClassifierSpec,
  X: FeatureColumns,
  y: Float64Array,
  refitSeed: number,
  onProgress?: HeldOutProgress,
  earlyStoppingValidation?: ArrayLike<number>,
): FitWithHeldOut {
  const fitProgress: FitProgress = (done, total) => onProgress?.('fit', done, total);
  if (spec.kind === 'random-forest') return fitForestWithOutOfBag(spec.options, X, y, refitSeed, fitProgress);
  if (spec.kind === 'logistic-regression') {
    // Copies of X for the fits to standardise in place: X stays as it is.
    const copies: TrainingMatrixSource = (rows) =>
      rows ? takeRows(X, rows) : { nRows: X.nRows, columns: X.columns.map((column) => column.slice()) };
    return fitLinearWithHeldOutScores(spec.options, copies, y, refitSeed, onProgress);
  }
  const model = fitGradientBoosting(X, y, spec.options, fitProgress, earlyStoppingValidation);
  const validation = earlyStoppingRows(model, y, earlyStoppingValidation);
  if (validation !== null) {
    return {
      model,
      heldOut: {
        source: 'early-stopping',
        scores: predictProba(model, takeRows(X, validation)),
        labels: takeValues(y, validation),
      },
    };
  }
  return {
    model,
    heldOut: refitHeldOut(spec, X, y, refitSeed, (done, total) => onProgress?.('held-out', done, total)),
  };
}

/** The rows a refit trains on and the rows it scores: a stratified 80% and the other 20%. */
function refitRows(y: Float64Array, seed: number): { train: number[]; test: number[] } {
  return stratifiedSplit(y, 0.2, seed + 1);
}

/**
 * The training matrix, built anew on each call for the caller to own (`rows`: only those rows, in that order),
 * e.g. encoded again from the source data.
 */
export type TrainingMatrixSource = (rows?: ArrayLike<number>) => FeatureColumns;

/**
 * Logistic regression and its held-out scores (a refit on 80%), from a source of its training matrix: the fit
 * and the refit standardise matrices built for them alone, in place, so no copy is held beside the matrix (the
 * fit's and the refit's at 10× the CS611 data: 52 and 44 MB). fitWithHeldOutScores gives it copies of its own.
 */
export function fitLinearWithHeldOutScores(
  options: LogisticRegressionOptions | undefined,
  source: TrainingMatrixSource,
  y: Float64Array,
  refitSeed: number,
  onProgress?: HeldOutProgress,
): FitWithHeldOut {
  const model = fitLogisticRegressionInPlace(source(), y, options, (done, total) => onProgress?.('fit', done, total));
  const { train, test } = refitRows(y, refitSeed);
  // Started from the model of all the rows: the same optimum, in fewer Newton steps.
  const refit = fitLogisticRegressionInPlace(
    source(train),
    takeValues(y, train),
    options,
    (done, total) => onProgress?.('held-out', done, total),
    model,
  );
  return {
    model,
    heldOut: { source: 'refit', scores: predictProba(refit, source(test)), labels: takeValues(y, test) },
  };
}

/** Fits on a stratified 80% of the rows and scores the other 20% (a linear model's refit: fitLinearWithHeldOutScores). */
export function refitHeldOut(
  spec: ClassifierSpec,
  X: FeatureColumns,
  y: Float64Array,
  seed: number,
  onProgress?: FitProgress,
): HeldOutScores {
  const { train, test } = refitRows(y, seed);
  const model = fitClassifier(spec, takeRows(X, train), takeValues(y, train), onProgress);
  return { source: 'refit', scores: predictProba(model, takeRows(X, test)), labels: takeValues(y, test) };
}

/**
 * Each row's mean prediction over the trees whose bootstrap left it out (sklearn's oob_decision_function_).
 * With 100 trees a row is out of bag for about 37 of them; rows in every bootstrap (probability 0.63^trees)
 * have no such score and are left out.
 */
function fitForestWithOutOfBag(
  options: (ClassifierSpec & { kind: 'random-forest' })['options'],
  X: FeatureColumns,
  y: Float64Array,
  refitSeed: number,
  onProgress: FitProgress,
): FitWithHeldOut {
  const sums = new Float64Array(X.nRows);
  const counts = new Int32Array(X.nRows);
  const inSampleScores = new Float64Array(X.nRows);
  const model = fitRandomForest(X, y, options, onProgress, (tree, weights, inBagLeaf) => {
    for (let i = 0; i < X.nRows; i++) {
      if (weights[i] !== 0) {
        inSampleScores[i] += tree.value[inBagLeaf[i]];
        continue;
      }
      const value = tree.value[leafIndexAt(tree, X.columns, i)];
      inSampleScores[i] += value;
      sums[i] += value;
      counts[i]++;
    }
  });
  // Summed tree by tree, then divided, as predictProbaForest does: the same rounding.
  for (let i = 0; i < X.nRows; i++) inSampleScores[i] /= model.trees.length;
  const rows: number[] = [];
  for (let i = 0; i < X.nRows; i++) if (counts[i] > 0) rows.push(i);
  if (rows.length === 0 || model.params.bootstrap === false) {
    // Without bootstrap every tree sees every row: nothing is out of bag.
    return { model, heldOut: refitHeldOut({ kind: 'random-forest', options }, X, y, refitSeed), inSampleScores };
  }
  return {
    model,
    inSampleScores,
    heldOut: {
      source: 'out-of-bag',
      scores: Float64Array.from(rows, (i) => sums[i] / counts[i]),
      labels: takeValues(y, rows),
    },
  };
}
