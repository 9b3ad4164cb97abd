/** The loan training pipeline's contract (request schema written once; progress and result shapes). Pure. */
import Type, { type Static } from 'typebox';
import type { RunDescription } from '../../../temporal/search-attributes.js';
import { withDefaults, type WithDefaults } from '../../contract-defaults.js';
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
    | 'fingerprinting'
    | 'bronze'
    | 'silver'
    | 'quality'
    | 'gold'
    | 'training'
    | 'promoting'
    | 'completed'
    | 'failed'
    | 'cancelled';
  modelsDone: number;
  modelsTotal: number;
  message?: string;
}

/** "random 20% test, seed 42" or "out-of-time 2024-07". */
export function describeSplit(split: LoanSplit): string {
  if (split.kind === 'out-of-time') return `out-of-time ${split.cutoffMonth ?? '?'}`;
  return `random ${Math.round((split.testFraction ?? 0.2) * 100)}% test, seed ${split.seed ?? 42}`;
}

/** How a training run reads in the Temporal UI, e.g. "loan training · loan · out-of-time 2024-07". */
export function describeLoanTrainingRun(request: LoanTrainingInput = {}): RunDescription {
  const { dataset, split, reason } = withDefaults<ResolvedLoanTrainingInput>(LoanTrainingRequest, request);
  const why = reason?.startsWith('degraded') ? ' · retraining (degraded)' : '';
  return {
    summary: `loan training · ${dataset} · ${describeSplit(split)}${why}`,
    dataset,
    parameters: { split: describeSplit(split), reason: reason?.slice(0, 200) },
  };
}
