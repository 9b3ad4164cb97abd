/** Classifier fits side by side with scikit-learn's: the row both sides report, and their pairing per family. */
import { CLASSIFIER_KINDS, type ClassifierKind } from '../../src/ml/classifiers.js';
import { fixed, signed } from './markdown.js';
import { median } from './stats.js';
import type { FitTiming } from './timing.js';

/** One implementation's fit times and test AUC (ours, or one line of a *_sklearn.py script's JSON). */
export interface BenchRow extends FitTiming {
  model: ClassifierKind;
  impl: string;
  testAuc: number;
}

export const FAMILY_TITLES: Record<ClassifierKind, string> = {
  'logistic-regression': 'Logistic regression',
  'random-forest': 'Random forest (100 trees)',
  'gradient-boosting': 'Gradient boosting',
};

export interface ComparedRow<R extends BenchRow> {
  family: ClassifierKind;
  row: R;
  isOurs: boolean;
  /** Ours: test AUC minus that of scikit-learn's first row of the family ('' for theirs or without a peer). */
  delta: string;
}

/** Family by family, our rows then scikit-learn's, each of ours with its AUC difference to their first. */
export function comparedRows<R extends BenchRow>(ours: readonly R[], theirs: readonly R[]): ComparedRow<R>[] {
  return CLASSIFIER_KINDS.flatMap((family) => {
    const peer = theirs.find((r) => r.model === family);
    return [...ours, ...theirs]
      .filter((row) => row.model === family)
      .map((row) => {
        const isOurs = ours.includes(row);
        return { family, row, isOurs, delta: isOurs && peer ? signed(row.testAuc - peer.testAuc) : '' };
      });
  });
}

/** The titles of the columns fitCells fills. */
export const FIT_COLUMNS = 'Fit s (median) | CPU s (median) | Cold fit s | Test AUC';

/** Fit s (median), CPU s (median), cold fit s, test AUC. */
export function fitCells(row: BenchRow): string[] {
  return [
    fixed(median(row.fitSeconds), 3),
    fixed(median(row.fitCpuSeconds), 3),
    fixed(row.coldSeconds, 3),
    row.testAuc.toFixed(4),
  ];
}

/** The progress line printed per fitted row. */
export function fitSummary(row: BenchRow): string {
  return `${row.impl}: fit ${median(row.fitSeconds).toFixed(3)} s, AUC ${row.testAuc.toFixed(4)}`;
}
