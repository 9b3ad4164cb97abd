/** What the loan benchmark runs on (the real CS611 files, the split, the snapshot) and the targets it checks. */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { LoanModelKind } from '../../src/pipelines/loan/contract.js';
import type { LoanSplit } from '../../src/pipelines/loan/training/contract.js';
import { BenchSetupError } from '../support/entry.js';

export const REAL_LOAN_DIR = fileURLToPath(new URL('../../../shared/datasets/loan', import.meta.url));
export const REAL_LOAN_DIR_LABEL = '../shared/datasets/loan';
const RAW_FILES = [
  'features_attributes.csv',
  'features_financials.csv',
  'feature_clickstream.csv',
  'lms_loan_daily.csv',
];

export const DATASET = 'loan-real';
export const SNAPSHOT = '2024-06';
export const SEED = 42;
export const TEST_FRACTION = 0.2;
export const SPLIT: LoanSplit = { kind: 'random', seed: SEED, testFraction: TEST_FRACTION };
export const DEFAULT_OUT = fileURLToPath(new URL('../results/loan.md', import.meta.url));

export type WorkflowName = 'training' | 'inference' | 'monitoring';
export const WORKFLOWS: WorkflowName[] = ['training', 'inference', 'monitoring'];
/** Targets from the issue, on the 2-core machine. */
export const TARGET_SECONDS: Record<WorkflowName, number> = { training: 20, inference: 2, monitoring: 5 };
export const MIN_BEST_AUC = 0.8;
export const MAX_AUC_GAP = 0.01;

export const OUR_IMPLEMENTATIONS: Record<LoanModelKind, string> = {
  'logistic-regression': 'ours: Newton/IRLS, C=1, median-imputed, standardised',
  'random-forest': 'ours: histogram CART forest, min leaf 5, NaN-aware',
  'gradient-boosting': 'ours: histogram GB (lr 0.1, ≤300 iter, early stopping)',
};

export function log(line: string): void {
  console.log(`[bench:loan] ${line}`);
}

/** Stops the benchmark, with a message and before measuring anything, when the real files are not there. */
export async function requireRealData(): Promise<void> {
  const missing: string[] = [];
  for (const file of RAW_FILES) {
    await access(join(REAL_LOAN_DIR, file)).catch(() => missing.push(file));
  }
  if (missing.length > 0) {
    throw new BenchSetupError(
      `The real CS611 loan data is not where the benchmark expects it (${REAL_LOAN_DIR}, i.e. ` +
        `${REAL_LOAN_DIR_LABEL} next to the repo); missing: ${missing.join(', ')}. Nothing was measured.`,
    );
  }
}
