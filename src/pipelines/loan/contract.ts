/**
 * What the three loan pipelines share: the raw tables, the model families, the dataset and month fields of
 * their requests, and where a data version's layers live. Pure: safe inside the workflow sandbox.
 */
import Type from 'typebox';

/** The four raw tables, in ingestion order. */
export const LOAN_RAW_TABLES = [
  'features_attributes',
  'features_financials',
  'feature_clickstream',
  'lms_loan_daily',
] as const;
export type LoanRawTable = (typeof LOAN_RAW_TABLES)[number];

/** The three model families trained in parallel; the best by test AUC becomes the champion. */
export const LOAN_MODEL_KINDS = ['logistic-regression', 'random-forest', 'gradient-boosting'] as const;
export type LoanModelKind = (typeof LOAN_MODEL_KINDS)[number];

/** The dataset every loan request names: a folder under DATA_DIR holding the four raw CSVs. */
export const LoanDatasetField = Type.String({
  minLength: 1,
  default: 'loan',
  description: 'Folder under DATA_DIR holding the four raw CSVs',
});

export const SnapshotDateField = Type.String({
  pattern: '^\\d{4}-\\d{2}(-01)?$',
  description: "Month to score, 'YYYY-MM-01' or 'YYYY-MM'; default: the latest month with loans",
});

export const ModelIdField = Type.String({ minLength: 1, description: 'A stored loan model; default: the champion' });

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
