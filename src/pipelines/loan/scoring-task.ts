/**
 * Scoring gold columns with a loan model on a compute thread (inference, monitoring). Loaded inside the
 * thread, so it imports only pure code and types.
 */
import type { MessagePort } from 'node:worker_threads';

import { defineComputeTask, reportProgress } from '../../compute/task.js';
import { predictProba } from '../../ml/classifiers.js';
import { labelsAtThreshold } from '../../ml/math.js';
import { allRows, encodeGoldColumns, type GoldColumns } from './features.js';
import type { LoanModelPayload } from './model.js';

export interface ScoreGoldInput {
  model: Pick<LoanModelPayload, 'classifier' | 'encoder' | 'threshold'>;
  /** One or more gold tables (e.g. one per month), scored in order with one copy of the model. */
  golds: { label: string; gold: GoldColumns }[];
  progress?: MessagePort;
}

export interface ScoredGold {
  proba: Float64Array;
  prediction: Uint8Array;
}

/** Encodes each gold table with the model's own encoder and scores it at the model's threshold. */
export function scoreGoldColumns(input: ScoreGoldInput): ScoredGold[] {
  const { classifier, encoder, threshold } = input.model;
  const impute = classifier.kind === 'logistic-regression';
  return input.golds.map(({ label, gold }, k) => {
    reportProgress(input.progress, { phase: label, done: k, total: input.golds.length });
    const proba = predictProba(classifier, encodeGoldColumns(encoder, gold, allRows(gold.nRows), impute));
    return { proba, prediction: labelsAtThreshold(proba, threshold) };
  });
}

export const scoreGoldColumnsTask = defineComputeTask<ScoreGoldInput, ScoredGold[]>(
  import.meta.url,
  'scoreGoldColumns',
);
