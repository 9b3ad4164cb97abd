/** The loan inference pipeline's contract (request schema written once; result shape). Pure. */
import Type, { type Static } from 'typebox';
import type { WithDefaults } from '../../contract-defaults.js';
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
