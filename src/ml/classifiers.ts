/**
 * One entry point over the three tabular classifiers. Models are plain JSON objects discriminated by `kind`, so a
 * model read back from disk (JSON.parse) can be passed straight to `predictProba`.
 */
import type { FeatureMatrix, FitProgress } from './tabular-input.js';
import {
  fitGradientBoosting,
  predictProbaBoosting,
  type GradientBoostingModel,
  type GradientBoostingOptions,
} from './gradient-boosting.js';
import {
  fitLogisticRegression,
  predictProbaLogistic,
  type LogisticRegressionModel,
  type LogisticRegressionOptions,
} from './logistic-regression.js';
import {
  fitRandomForest,
  predictProbaForest,
  type RandomForestModel,
  type RandomForestOptions,
} from './random-forest.js';

export type { FeatureColumns, FeatureMatrix, FeatureRows, FitProgress } from './tabular-input.js';

export type ClassifierModel = LogisticRegressionModel | RandomForestModel | GradientBoostingModel;
export type ClassifierKind = ClassifierModel['kind'];

export type ClassifierSpec =
  | { kind: 'logistic-regression'; options?: LogisticRegressionOptions }
  | { kind: 'random-forest'; options?: RandomForestOptions }
  | { kind: 'gradient-boosting'; options?: GradientBoostingOptions };

export const CLASSIFIER_KINDS: readonly ClassifierKind[] = [
  'logistic-regression',
  'random-forest',
  'gradient-boosting',
];

/** Fits the classifier described by `spec` on 0/1 labels; `onProgress` hears of each tree, round or Newton step. */
export function fitClassifier(
  spec: ClassifierSpec,
  X: FeatureMatrix,
  y: ArrayLike<number>,
  onProgress?: FitProgress,
): ClassifierModel {
  switch (spec.kind) {
    case 'logistic-regression':
      return fitLogisticRegression(X, y, spec.options, onProgress);
    case 'random-forest':
      return fitRandomForest(X, y, spec.options, onProgress);
    case 'gradient-boosting':
      return fitGradientBoosting(X, y, spec.options, onProgress);
  }
}

/** P(y = 1) for each row, whatever the model kind (rows must have model.nFeatures values). */
export function predictProba(model: ClassifierModel, X: FeatureMatrix): Float64Array {
  switch (model.kind) {
    case 'logistic-regression':
      return predictProbaLogistic(model, X);
    case 'random-forest':
      return predictProbaForest(model, X);
    case 'gradient-boosting':
      return predictProbaBoosting(model, X);
  }
}

/**
 * Non-negative importances summing to 1: |standardised coefficient| for logistic regression, mean impurity
 * decrease for the forest, total split gain for boosting. Comparable within a model, not across kinds.
 */
export function featureImportances(model: ClassifierModel): number[] {
  if (model.kind !== 'logistic-regression') return [...model.featureImportances];
  const magnitudes = model.coef.map(Math.abs);
  const total = magnitudes.reduce((a, b) => a + b, 0);
  return magnitudes.map((m) => (total > 0 ? m / total : 0));
}

/** Light structural check for models loaded from JSON (kind, feature count and the arrays prediction reads). */
export function isClassifierModel(value: unknown): value is ClassifierModel {
  if (typeof value !== 'object' || value === null) return false;
  const model = value as Record<string, unknown>;
  if (typeof model.nFeatures !== 'number') return false;
  const isNumberArray = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'number');
  switch (model.kind) {
    case 'logistic-regression':
      return isNumberArray(model.coef) && isNumberArray(model.mean) && isNumberArray(model.scale);
    case 'random-forest':
    case 'gradient-boosting':
      return (
        Array.isArray(model.trees) &&
        model.trees.every((tree: unknown) => {
          if (typeof tree !== 'object' || tree === null) return false;
          const t = tree as Record<string, unknown>;
          return ['feature', 'threshold', 'nanGoesLeft', 'left', 'right', 'value'].every((key) =>
            isNumberArray(t[key]),
          );
        })
      );
    default:
      return false;
  }
}
