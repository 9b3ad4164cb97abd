/**
 * One loan candidate, fitted on a compute thread (src/compute): encode the gold columns, fit, score, tune the
 * threshold, evaluate, build the PSI references and serialise the candidate. This module is loaded inside
 * the thread, so it imports only pure code (src/ml, the feature encoding) and types.
 */
import type { MessagePort } from 'node:worker_threads';

import { collectGarbageOnPoolThread } from '../../../compute/collect.js';
import { defineComputeTask, reportProgress } from '../../../compute/task.js';
import { predictProba } from '../../../ml/classifiers.js';
import { GRADIENT_BOOSTING_DEFAULTS } from '../../../ml/gradient-boosting.js';
import {
  fitLinearWithHeldOutScores,
  fitWithHeldOutScores,
  type HeldOutProgress,
  type HeldOutSource,
  type TrainingMatrixSource,
} from '../../../ml/held-out.js';
import { classificationSummary, rocAuc } from '../../../ml/metrics.js';
import { buildPsiReference } from '../../../ml/psi.js';
import { breakEvenThreshold } from '../../../ml/threshold.js';
import { takeValues } from '../../../ml/tabular-input.js';
import type { LoanModelKind } from '../contract.js';
import { encodeGoldColumns, fitLoanEncoder, type GoldColumns } from '../features.js';
import { GOLD_NUMERIC_FEATURES } from '../medallion/schemas.js';
import { LOAN_MODEL_SPECS, type LoanModelPayload } from '../model.js';
import type { LoanSplit } from './contract.js';
import { latestMonthsRows } from './fitting.js';

export interface LoanFitInput {
  gold: GoldColumns;
  kind: LoanModelKind;
  /** The split as requested (recorded in the candidate) and its rows. */
  split: LoanSplit;
  train: Int32Array;
  test: Int32Array;
  progress?: MessagePort;
}

export interface LoanCandidateMetrics {
  trainAuc: number;
  testAuc: number;
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
  logLoss: number;
  fitSeconds: number;
  threshold: number;
}

/** A candidate as written to the run's folder; the champion's is copied into the model store. */
export interface CandidateFile {
  name: LoanModelKind;
  params: Record<string, unknown>;
  metrics: LoanCandidateMetrics;
  payload: LoanModelPayload;
  split: LoanSplit;
  rows: { train: number; test: number };
  /**
   * The out-of-sample training scores behind the threshold and the score PSI reference; `fromMonth` (YYYYMM)
   * when they are the training period's latest months (boosting under an out-of-time split).
   */
  heldOut: { source: HeldOutSource; rows: number; fromMonth?: number };
}

export interface LoanFitOutput {
  metrics: LoanCandidateMetrics;
  rows: { train: number; test: number };
  /** The CandidateFile as JSON, serialised here so the activity's event loop never stringifies weights. */
  candidateJson: string;
}

/** Trees learn where missing values go; the linear model needs them imputed. */
const imputes = (kind: LoanModelKind) => kind === 'logistic-regression';

/**
 * The encoder (fitted on the training rows), the training labels, and the training matrix's source: it encodes
 * the training rows (or those at the given positions among them) anew on each call.
 */
function trainingSource(gold: GoldColumns, train: Int32Array, kind: LoanModelKind) {
  const encoder = fitLoanEncoder(gold, train);
  const source: TrainingMatrixSource = (positions) =>
    encodeGoldColumns(encoder, gold, positions ? Int32Array.from(positions, (p) => train[p]) : train, imputes(kind));
  return { encoder, yTrain: takeValues(gold.label, train), source };
}

export function fitLoanCandidate(input: LoanFitInput): LoanFitOutput {
  const { kind, split, train, test, progress } = input;
  const spec = LOAN_MODEL_SPECS[kind];
  // Under an out-of-time split boosting's early stopping holds out the training period's latest months, so it
  // too measures the model on later loans (and copies of a loan never sit on both sides of it).
  const latestMonths =
    spec.kind === 'gradient-boosting' && split.kind === 'out-of-time'
      ? latestMonthsRows(
          input.gold,
          train,
          spec.options?.validationFraction ?? GRADIENT_BOOSTING_DEFAULTS.validationFraction,
        )
      : null;
  reportProgress(progress, { phase: 'encode' });
  const { gold } = input;
  const { encoder, yTrain, source } = trainingSource(gold, train, kind);
  // The trees need the training matrix through their fit; the linear model builds its own (below).
  let xTrain = spec.kind === 'logistic-regression' ? undefined : source();
  // Collected now (the fits allocate too little for V8 to), so the encoding's garbage is not held through the
  // whole fit (at 10× that was 60 MB of the stage).
  collectGarbageOnPoolThread();

  const started = performance.now();
  // The threshold and the score PSI reference come from out-of-sample scores of the training rows: out of bag
  // for the forest, early-stopping rows for boosting, a refit on 80% for the linear model (src/ml/held-out.ts).
  const thresholdSeed = split.kind === 'random' ? (split.seed ?? 42) : 42;
  const onProgress: HeldOutProgress = (phase, done, total) =>
    reportProgress(progress, { phase: phase === 'fit' ? 'fit' : 'threshold', done, total });
  const {
    model: classifier,
    heldOut,
    inSampleScores,
  } = spec.kind === 'logistic-regression'
    ? // Its fit and refit standardise matrices encoded for them alone: one training matrix at a time, not three.
      fitLinearWithHeldOutScores(spec.options, source, yTrain, thresholdSeed, onProgress)
    : fitWithHeldOutScores(spec, xTrain ?? source(), yTrain, thresholdSeed, onProgress, latestMonths?.rows);
  const fitSeconds = (performance.now() - started) / 1000;
  reportProgress(progress, { phase: 'threshold' });
  const { threshold } = breakEvenThreshold(heldOut.labels, heldOut.scores);

  if (!xTrain) {
    // The fit's standardised matrices are garbage now: gone before the training matrix is encoded again.
    collectGarbageOnPoolThread();
    xTrain = source();
  }
  const trainScores = inSampleScores ?? predictProba(classifier, xTrain);
  // The test rows are encoded only now, so their matrix (20 MB at 10×) is not held through the fit. Keeping the
  // gold columns until here costs nothing: they are shared, and the activity holds them anyway.
  const yTest = takeValues(gold.label, test);
  const testScores = predictProba(classifier, encodeGoldColumns(encoder, gold, test, imputes(kind)));
  reportProgress(progress, { phase: 'evaluate' });
  const summary = classificationSummary(yTest, testScores, threshold);
  const psiReference = {
    score: buildPsiReference(heldOut.scores, 10),
    features: Object.fromEntries(
      GOLD_NUMERIC_FEATURES.map((name, j) => [name, buildPsiReference(xTrain.columns[j], 10)]),
    ),
  };
  const metrics: LoanCandidateMetrics = {
    trainAuc: rocAuc(yTrain, trainScores),
    testAuc: summary.auc,
    precision: summary.precision,
    recall: summary.recall,
    f1: summary.f1,
    accuracy: summary.accuracy,
    logLoss: summary.logLoss,
    fitSeconds,
    threshold,
  };
  const rows = { train: train.length, test: test.length };
  const candidate: CandidateFile = {
    name: kind,
    params: { ...spec.options },
    metrics,
    payload: { classifier, encoder, threshold, psiReference },
    split,
    rows,
    heldOut: { source: heldOut.source, rows: heldOut.scores.length, fromMonth: latestMonths?.fromMonth },
  };
  return { metrics, rows, candidateJson: JSON.stringify(candidate) };
}

export const fitLoanCandidateTask = defineComputeTask<LoanFitInput, LoanFitOutput>(import.meta.url, 'fitLoanCandidate');
