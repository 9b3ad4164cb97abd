/** The loan training pipeline's contract (request schema written once; progress and result shapes). Pure. */
import Type, { type Static } from 'typebox';
import type { WithDefaults } from '../../contract-defaults.js';
import { LoanDatasetField, type LoanModelKind } from '../contract.js';

export const LoanSplitSchema = Type.Object(
  {
    kind: Type.Enum(['random', 'out-of-time'], {
      description: 'random: stratified split; out-of-time: loans before cutoffMonth train, the rest test',
    }),
    seed: Type.Optional(Type.Integer({ minimum: 0 })),
    testFraction: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 })),
    cutoffMonth: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}$', description: "'YYYY-MM'" })),
  },
  { additionalProperties: false, default: { kind: 'random', seed: 42, testFraction: 0.2 } },
);
export type LoanSplit = Static<typeof LoanSplitSchema>;

export const LoanTrainingRequest = Type.Object(
  {
    dataset: Type.Optional(LoanDatasetField),
    split: Type.Optional(LoanSplitSchema),
    /** Why this run happened (e.g. 'scheduled', 'degraded: auc 0.61 < 0.70'); stored in the model's lineage. */
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'Why this run happened' })),
  },
  { additionalProperties: false },
);
export type LoanTrainingInput = Static<typeof LoanTrainingRequest>;
export type ResolvedLoanTrainingInput = WithDefaults<LoanTrainingInput, 'dataset' | 'split'>;

export interface LoanModelReport {
  name: LoanModelKind;
  trainAuc: number;
  testAuc: number;
  precision: number;
  recall: number;
  f1: number;
  fitSeconds: number;
  threshold: number;
  trainRows: number;
  testRows: number;
  /** Candidate artifact on disk (claim check); only the champion is copied to the model store. */
  candidatePath: string;
}

export interface LoanTrainingResult {
  dataset: string;
  championModelId: string;
  championAlgorithm: LoanModelKind;
  models: Omit<LoanModelReport, 'candidatePath'>[];
  rows: { bronze: Record<string, number>; silver: Record<string, number>; gold: number; train: number; test: number };
  quality: { ok: boolean; removedCustomers: number; keptCustomers: number; issues: Record<string, number> };
  goldPath: string;
  snapshotRange: { min: string; max: string };
}

export interface LoanTrainingProgress {
  stage:
    'fingerprinting' | 'bronze' | 'silver' | 'quality' | 'gold' | 'training' | 'promoting' | 'completed' | 'failed';
  modelsDone: number;
  modelsTotal: number;
  message?: string;
}
