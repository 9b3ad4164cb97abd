/** A stored loan model: what its artifact holds, and the model families with their parameters. */
import type { ClassifierModel, ClassifierSpec } from '../../ml/classifiers.js';
import type { PsiReference } from '../../ml/psi.js';
import type { ModelArtifact } from '../../storage/model-store.js';
import type { LoanModelKind } from './contract.js';
import type { LoanFeatureEncoder } from './features.js';

/** What a loan model artifact's `model` holds: weights plus everything needed to score raw rows and monitor drift. */
export interface LoanModelPayload {
  classifier: ClassifierModel;
  encoder: LoanFeatureEncoder;
  /** Probability at or above which a loan is predicted to default. */
  threshold: number;
  /** Training-time distributions for PSI: the score and each numeric feature. */
  psiReference: { score: PsiReference; features: Record<string, PsiReference> };
}

export type LoanModelArtifact = ModelArtifact<LoanModelPayload>;

/** The three model families and their parameters (the bench refits with these too). */
export const LOAN_MODEL_SPECS: Record<LoanModelKind, ClassifierSpec> = {
  'logistic-regression': { kind: 'logistic-regression', options: { C: 1 } },
  'random-forest': { kind: 'random-forest', options: { nEstimators: 100, minSamplesLeaf: 5, seed: 42 } },
  // Early stopping on an internal validation slice, as sklearn does above 10k rows: no overfit to the training set.
  // Under an out-of-time split that slice is the training period's latest months (training/fit-task.ts).
  'gradient-boosting': {
    kind: 'gradient-boosting',
    options: { learningRate: 0.1, maxIter: 300, earlyStopping: true, seed: 42 },
  },
};

/**
 * Which fit starts first when the three share too few compute threads: the longest (CPU of a whole fit on the
 * CS611 files: forest 2.8 s, boosting 2.1 s, logistic regression 1.0 s), so on two threads the forest runs
 * beside boosting-then-regression instead of after one of them.
 */
export const LOAN_FIT_PRIORITY: Record<LoanModelKind, number> = {
  'random-forest': 3,
  'gradient-boosting': 2,
  'logistic-regression': 1,
};
