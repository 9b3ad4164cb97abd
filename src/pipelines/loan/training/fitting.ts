/** How a candidate model is evaluated: which loans train and test, and where its decision threshold sits. */
import { DataValidationError } from '../../../failures.js';
import { fitClassifier, predictProba, type ClassifierSpec } from '../../../ml/classifiers.js';
import { stratifiedSplit } from '../../../ml/split.js';
import { breakEvenThreshold } from '../../../ml/threshold.js';
import type { GoldRow } from '../features.js';
import type { LoanSplit } from './contract.js';

export function splitRows(rows: GoldRow[], split: LoanSplit): { train: number[]; test: number[] } {
  if (split.kind === 'random') {
    return stratifiedSplit(
      rows.map((r) => Number(r.label)),
      split.testFraction ?? 0.2,
      split.seed ?? 42,
    );
  }
  if (!split.cutoffMonth || !/^\d{4}-\d{2}$/.test(split.cutoffMonth)) {
    throw new DataValidationError(
      `An out-of-time split needs cutoffMonth as YYYY-MM, got "${split.cutoffMonth ?? ''}"`,
      {
        column: 'split.cutoffMonth',
      },
    );
  }
  const cutoff = `${split.cutoffMonth}-01`;
  const train: number[] = [];
  const test: number[] = [];
  rows.forEach((r, i) => (String(r.snapshot_date) < cutoff ? train : test).push(i));
  if (train.length === 0 || test.length === 0) {
    throw new DataValidationError(
      `Out-of-time cut-off ${split.cutoffMonth} leaves ${train.length} training and ${test.length} test loans`,
      {},
    );
  }
  return { train, test };
}

/**
 * The decision threshold is tuned on held-out training rows (precision–recall break-even), never on the test rows:
 * a model fitted on 80% of the training rows scores the other 20%.
 */
export function tuneThreshold(spec: ClassifierSpec, x: Float64Array[], y: number[], seed: number): number {
  const { train, test } = stratifiedSplit(y, 0.2, seed + 1);
  const model = fitClassifier(
    spec,
    train.map((i) => x[i]),
    train.map((i) => y[i]),
  );
  const scores = predictProba(
    model,
    test.map((i) => x[i]),
  );
  return breakEvenThreshold(
    test.map((i) => y[i]),
    scores,
  ).threshold;
}
