/**
 * Binary-classification metrics matching scikit-learn's definitions (labels are 0/1, scores are real numbers).
 * All functions are pure and allocate only O(n) typed arrays.
 */
import { clamp, labelsAtThreshold } from './math.js';

export interface ConfusionCounts {
  tn: number;
  fp: number;
  fn: number;
  tp: number;
}

export interface RocCurve {
  fpr: number[];
  tpr: number[];
  /** Decreasing; thresholds[0] is +Infinity (sklearn >= 1.3), meaning "predict nothing positive". */
  thresholds: number[];
}

export interface PrecisionRecallCurve {
  /** Ends with 1 (sklearn convention). */
  precision: number[];
  /** Decreasing, ends with 0. */
  recall: number[];
  /** Increasing, one fewer than precision/recall. */
  thresholds: number[];
}

export interface ClassificationSummary {
  auc: number;
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
  logLoss: number;
  threshold: number;
  confusion: ConfusionCounts;
}

function assertSameLength(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  if (a.length !== b.length) throw new RangeError(`${what}: length mismatch (${a.length} vs ${b.length})`);
  if (a.length === 0) throw new RangeError(`${what}: empty input`);
}

function assertBinaryLabels(yTrue: ArrayLike<number>, what: string): void {
  for (let i = 0; i < yTrue.length; i++) {
    const y = yTrue[i];
    if (y !== 0 && y !== 1) throw new RangeError(`${what}: labels must be 0 or 1, got ${y} at index ${i}`);
  }
}

function assertFiniteScores(score: ArrayLike<number>, what: string): void {
  for (let i = 0; i < score.length; i++) {
    if (!Number.isFinite(score[i])) throw new RangeError(`${what}: score at index ${i} is not finite`);
  }
}

/** Indices that sort `values` ascending (stable). */
function argsortAscending(values: ArrayLike<number>): Uint32Array {
  const order = new Uint32Array(values.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  // Typed-array sort with a comparator is stable in V8 (TimSort) and avoids boxing.
  return order.sort((a, b) => values[a] - values[b] || a - b);
}

/**
 * Area under the ROC curve via the Mann–Whitney U statistic with average ranks for ties,
 * which equals sklearn's roc_auc_score (trapezoidal ROC area) including tie handling.
 */
export function rocAuc(yTrue: ArrayLike<number>, score: ArrayLike<number>): number {
  assertSameLength(yTrue, score, 'rocAuc');
  assertBinaryLabels(yTrue, 'rocAuc');
  assertFiniteScores(score, 'rocAuc');
  const n = yTrue.length;
  const order = argsortAscending(score);
  let positives = 0;
  let positiveRankSum = 0;
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && score[order[end]] === score[order[start]]) end++;
    // Ranks are 1-based; a tie block [start, end) shares the average rank.
    const averageRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) {
      if (yTrue[order[k]] === 1) {
        positives++;
        positiveRankSum += averageRank;
      }
    }
    start = end;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) {
    throw new RangeError('rocAuc: only one class present in yTrue; ROC AUC is undefined');
  }
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

interface ThresholdCounts {
  fps: Float64Array;
  tps: Float64Array;
  thresholds: Float64Array;
}

/** sklearn's _binary_clf_curve: cumulative FP/TP counts at each distinct score, scores decreasing. */
function countsAtThresholds(yTrue: ArrayLike<number>, score: ArrayLike<number>): ThresholdCounts {
  const n = yTrue.length;
  const ascending = argsortAscending(score);
  const fps: number[] = [];
  const tps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  for (let k = n - 1; k >= 0; k--) {
    const i = ascending[k];
    tp += yTrue[i];
    const isLastOfTieBlock = k === 0 || score[ascending[k - 1]] !== score[i];
    if (isLastOfTieBlock) {
      tps.push(tp);
      fps.push(n - k - tp);
      thresholds.push(score[i]);
    }
  }
  return { fps: Float64Array.from(fps), tps: Float64Array.from(tps), thresholds: Float64Array.from(thresholds) };
}

/** ROC curve like sklearn.metrics.roc_curve (drop_intermediate defaults to true, as in sklearn). */
export function rocCurve(
  yTrue: ArrayLike<number>,
  score: ArrayLike<number>,
  opts: { dropIntermediate?: boolean } = {},
): RocCurve {
  assertSameLength(yTrue, score, 'rocCurve');
  assertBinaryLabels(yTrue, 'rocCurve');
  assertFiniteScores(score, 'rocCurve');
  const { fps, tps, thresholds } = countsAtThresholds(yTrue, score);
  let keep: number[] = Array.from(fps.keys());
  if ((opts.dropIntermediate ?? true) && fps.length > 2) {
    // Keep points where the curve changes direction (second difference of fps or tps is non-zero).
    keep = keep.filter((i) => {
      if (i === 0 || i === fps.length - 1) return true;
      const d2f = fps[i + 1] - 2 * fps[i] + fps[i - 1];
      const d2t = tps[i + 1] - 2 * tps[i] + tps[i - 1];
      return d2f !== 0 || d2t !== 0;
    });
  }
  const totalNeg = fps[fps.length - 1];
  const totalPos = tps[tps.length - 1];
  const fpr = [0, ...keep.map((i) => fps[i] / totalNeg)];
  const tpr = [0, ...keep.map((i) => tps[i] / totalPos)];
  if (totalNeg <= 0) fpr.fill(Number.NaN);
  if (totalPos <= 0) tpr.fill(Number.NaN);
  return { fpr, tpr, thresholds: [Number.POSITIVE_INFINITY, ...keep.map((i) => thresholds[i])] };
}

/** Precision–recall curve like sklearn.metrics.precision_recall_curve (drop_intermediate defaults to false). */
export function precisionRecallCurve(
  yTrue: ArrayLike<number>,
  score: ArrayLike<number>,
  opts: { dropIntermediate?: boolean } = {},
): PrecisionRecallCurve {
  assertSameLength(yTrue, score, 'precisionRecallCurve');
  assertBinaryLabels(yTrue, 'precisionRecallCurve');
  assertFiniteScores(score, 'precisionRecallCurve');
  const { fps, tps, thresholds } = countsAtThresholds(yTrue, score);
  let keep: number[] = Array.from(fps.keys());
  if (opts.dropIntermediate && fps.length > 2) {
    // Keep only the first and last point of each run of equal tps (equal recall).
    keep = keep.filter((i) => i === 0 || i === fps.length - 1 || tps[i] !== tps[i - 1] || tps[i + 1] !== tps[i]);
  }
  const totalPos = tps[tps.length - 1];
  const precision = keep.map((i) => (tps[i] + fps[i] !== 0 ? tps[i] / (tps[i] + fps[i]) : 0)).reverse();
  const recall = keep.map((i) => (totalPos === 0 ? 1 : tps[i] / totalPos)).reverse();
  return {
    precision: [...precision, 1],
    recall: [...recall, 0],
    thresholds: keep.map((i) => thresholds[i]).reverse(),
  };
}

/** Confusion counts for 0/1 labels and 0/1 predictions. */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): ConfusionCounts {
  assertSameLength(yTrue, yPred, 'confusionMatrix');
  assertBinaryLabels(yTrue, 'confusionMatrix');
  assertBinaryLabels(yPred, 'confusionMatrix (yPred)');
  const counts: ConfusionCounts = { tn: 0, fp: 0, fn: 0, tp: 0 };
  for (let i = 0; i < yTrue.length; i++) {
    if (yTrue[i] === 1) {
      if (yPred[i] === 1) counts.tp++;
      else counts.fn++;
    } else if (yPred[i] === 1) counts.fp++;
    else counts.tn++;
  }
  return counts;
}

/** Division returning 0 when the denominator is 0 (sklearn's zero_division=0). */
function safeRatio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

export function precisionFromCounts({ tp, fp }: ConfusionCounts): number {
  return safeRatio(tp, tp + fp);
}

export function recallFromCounts({ tp, fn }: ConfusionCounts): number {
  return safeRatio(tp, tp + fn);
}

export function f1FromCounts({ tp, fp, fn }: ConfusionCounts): number {
  return safeRatio(2 * tp, 2 * tp + fp + fn);
}

export function accuracyFromCounts({ tp, tn, fp, fn }: ConfusionCounts): number {
  return (tp + tn) / (tp + tn + fp + fn);
}

/** Precision of the positive class, 0 when nothing is predicted positive. */
export function precision(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  return precisionFromCounts(confusionMatrix(yTrue, yPred));
}

/** Recall of the positive class, 0 when there are no positives. */
export function recall(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  return recallFromCounts(confusionMatrix(yTrue, yPred));
}

/** F1 of the positive class (zero_division=0). */
export function f1(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  return f1FromCounts(confusionMatrix(yTrue, yPred));
}

export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  return accuracyFromCounts(confusionMatrix(yTrue, yPred));
}

/** Mean binary cross-entropy; probabilities clipped to [eps, 1 - eps] (float64 eps) like sklearn.metrics.log_loss. */
export function logLoss(yTrue: ArrayLike<number>, proba: ArrayLike<number>): number {
  assertSameLength(yTrue, proba, 'logLoss');
  assertBinaryLabels(yTrue, 'logLoss');
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const p = proba[i];
    if (Number.isNaN(p)) throw new RangeError(`logLoss: probability at index ${i} is NaN`);
    // sklearn clips p and (1 - p) separately, so mirror that exactly.
    const pPos = clamp(p, Number.EPSILON, 1 - Number.EPSILON);
    const pNeg = clamp(1 - p, Number.EPSILON, 1 - Number.EPSILON);
    total -= yTrue[i] === 1 ? Math.log(pPos) : Math.log(pNeg);
  }
  return total / yTrue.length;
}

/** The usual test-set report for a probabilistic binary classifier; `proba >= threshold` counts as positive. */
export function classificationSummary(
  yTrue: ArrayLike<number>,
  proba: ArrayLike<number>,
  threshold = 0.5,
): ClassificationSummary {
  const confusion = confusionMatrix(yTrue, labelsAtThreshold(proba, threshold));
  return {
    auc: rocAuc(yTrue, proba),
    precision: precisionFromCounts(confusion),
    recall: recallFromCounts(confusion),
    f1: f1FromCounts(confusion),
    accuracy: accuracyFromCounts(confusion),
    logLoss: logLoss(yTrue, proba),
    threshold,
    confusion,
  };
}
