/** Shapes shared by the loan workflows, their activities and the API (types only: safe for workflow code). */

/** The four raw tables, in ingestion order. */
export const LOAN_RAW_TABLES = [
  'features_attributes',
  'features_financials',
  'feature_clickstream',
  'lms_loan_daily',
] as const;
export type LoanRawTable = (typeof LOAN_RAW_TABLES)[number];

export type LoanModelKind = 'logistic-regression' | 'random-forest' | 'gradient-boosting';
export const LOAN_MODEL_KINDS: readonly LoanModelKind[] = ['logistic-regression', 'random-forest', 'gradient-boosting'];

export type LoanSplit =
  | { kind: 'random'; seed?: number; testFraction?: number }
  /** Loans starting before cutoffMonth ('YYYY-MM') train; the rest test. */
  | { kind: 'out-of-time'; cutoffMonth: string };

export interface LoanTrainingInput {
  /** Folder under DATA_DIR with the four raw CSVs; default 'loan'. */
  dataset?: string;
  split?: LoanSplit;
  /** Why this run happened (e.g. 'scheduled', 'degraded: auc 0.61 < 0.70'); stored in the model's lineage. */
  reason?: string;
}

export interface LoanLayers {
  dataset: string;
  rawDir: string;
  /** Content-addressed: same raw bytes → same folder, so runs share and never mix layers. */
  layersDir: string;
  bronzeDir: string;
  silverDir: string;
  goldDir: string;
  fingerprints: Record<string, string>;
}

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

export interface LoanInferenceInput {
  dataset?: string;
  /** 'YYYY-MM-01' or 'YYYY-MM'; default: the month of the scheduled/start time, or the latest month in the data before it. */
  snapshotDate?: string;
  /** Default: the current champion. */
  modelId?: string;
}

export interface LoanInferenceResult {
  dataset: string;
  snapshotDate: string;
  modelId: string;
  rows: number;
  labeled: number;
  predictedPositives: number;
  predictionsPath: string;
}

export interface GovernanceThresholds {
  minAuc: number;
  maxPsi: number;
  minPrecision: number;
  minRecall: number;
}

export const DEFAULT_THRESHOLDS: GovernanceThresholds = { minAuc: 0.7, maxPsi: 0.2, minPrecision: 0.6, minRecall: 0.5 };

export interface LoanMonitoringInput {
  dataset?: string;
  snapshotDate?: string;
  /** Months shown in the monthly charts, ending at snapshotDate; default 6. */
  months?: number;
  modelId?: string;
  thresholds?: Partial<GovernanceThresholds>;
  /** Start a retraining child run when degraded; default true. */
  retrainOnDegradation?: boolean;
}

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
