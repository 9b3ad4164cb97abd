/** The loan inference pipeline's contract (request schema written once; result shape). Pure. */
import Type, { type Static } from 'typebox';
import type { RunDescription } from '../../../temporal/search-attributes.js';
import { withDefaults, type WithDefaults } from '../../contract-defaults.js';
import { LoanDatasetField, ModelIdField, SnapshotDateField } from '../contract.js';

export const LoanInferenceRequest = Type.Object(
  {
    dataset: Type.Optional(LoanDatasetField),
    snapshotDate: Type.Optional(SnapshotDateField),
    modelId: Type.Optional(ModelIdField),
  },
  { additionalProperties: false },
);
export type LoanInferenceInput = Static<typeof LoanInferenceRequest>;
export type ResolvedLoanInferenceInput = WithDefaults<LoanInferenceInput, 'dataset'>;

export interface LoanInferenceResult {
  dataset: string;
  snapshotDate: string;
  modelId: string;
  rows: number;
  labeled: number;
  predictedPositives: number;
  predictionsPath: string;
}

/** How an inference run reads in the Temporal UI, e.g. "loan inference · loan · 2024-07 · champion". */
export function describeLoanInferenceRun(request: LoanInferenceInput = {}): RunDescription {
  const input = withDefaults<ResolvedLoanInferenceInput>(LoanInferenceRequest, request);
  const month = input.snapshotDate?.slice(0, 7) ?? 'latest month';
  return {
    summary: `loan inference · ${input.dataset} · ${month} · ${input.modelId ?? 'champion'}`,
    dataset: input.dataset,
    ...(input.modelId ? { modelId: input.modelId } : {}),
    parameters: { snapshotDate: input.snapshotDate, modelId: input.modelId ?? 'champion' },
  };
}
