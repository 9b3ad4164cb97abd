/** The loan monitoring pipeline's contract (request schema written once; metrics and result shapes). Pure. */
import Type, { type Static } from 'typebox';
import type { RunDescription } from '../../../temporal/search-attributes.js';
import { defaultsOf, withDefaults, type WithDefaults } from '../../contract-defaults.js';
import { LoanDatasetField, ModelIdField, SnapshotDateField } from '../contract.js';

/** The governance gate: breaching any threshold marks the model degraded. */
export const GovernanceThresholdsSchema = Type.Object(
  {
    minAuc: Type.Optional(Type.Number({ minimum: 0, maximum: 1, default: 0.7 })),
    maxPsi: Type.Optional(Type.Number({ minimum: 0, default: 0.2 })),
    minPrecision: Type.Optional(Type.Number({ minimum: 0, maximum: 1, default: 0.6 })),
    minRecall: Type.Optional(Type.Number({ minimum: 0, maximum: 1, default: 0.5 })),
  },
  { additionalProperties: false },
);
export type GovernanceThresholds = Required<Static<typeof GovernanceThresholdsSchema>>;
export const DEFAULT_THRESHOLDS: GovernanceThresholds = defaultsOf<GovernanceThresholds>(GovernanceThresholdsSchema);

export const LoanMonitoringRequest = Type.Object(
  {
    dataset: Type.Optional(LoanDatasetField),
    snapshotDate: Type.Optional(SnapshotDateField),
    modelId: Type.Optional(ModelIdField),
    months: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 36,
        default: 6,
        description: 'Months in the charts, ending at snapshotDate',
      }),
    ),
    retrainOnDegradation: Type.Optional(
      Type.Boolean({ default: true, description: 'Start a retraining child run when degraded' }),
    ),
    thresholds: Type.Optional(GovernanceThresholdsSchema),
  },
  { additionalProperties: false },
);
export type LoanMonitoringInput = Static<typeof LoanMonitoringRequest>;
export type ResolvedLoanMonitoringInput = WithDefaults<
  LoanMonitoringInput,
  'dataset' | 'months' | 'retrainOnDegradation'
>;

export interface MonthlyMetrics {
  month: string;
  rows: number;
  labeled: number;
  auc: number | null;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  psi: number | null;
}

export interface LoanMonitoringMetrics {
  modelId: string;
  snapshotDate: string;
  /** The evaluated month (latest with labels at or before snapshotDate). */
  current: MonthlyMetrics;
  monthly: MonthlyMetrics[];
  psi: { score: number; features: Record<string, number> };
  metricsPath: string;
  dashboardPath: string;
}

export interface LoanMonitoringResult extends LoanMonitoringMetrics {
  decision: 'ok' | 'degraded';
  reasons: string[];
  thresholds: GovernanceThresholds;
  retrainRunId?: string;
}

/** How a monitoring run reads in the Temporal UI, e.g. "loan monitoring · loan · 6 months to 2024-07 · champion". */
export function describeLoanMonitoringRun(request: LoanMonitoringInput = {}): RunDescription {
  const input = withDefaults<ResolvedLoanMonitoringInput>(LoanMonitoringRequest, request);
  const month = input.snapshotDate?.slice(0, 7) ?? 'latest month';
  const t = { ...DEFAULT_THRESHOLDS, ...input.thresholds };
  return {
    summary: `loan monitoring · ${input.dataset} · ${input.months} months to ${month} · ${input.modelId ?? 'champion'}`,
    dataset: input.dataset,
    ...(input.modelId ? { modelId: input.modelId } : {}),
    parameters: {
      snapshotDate: input.snapshotDate,
      months: input.months,
      modelId: input.modelId ?? 'champion',
      retrainOnDegradation: input.retrainOnDegradation,
      thresholds: `auc < ${t.minAuc}, psi >= ${t.maxPsi}, precision < ${t.minPrecision}, recall < ${t.minRecall}`,
    },
  };
}
