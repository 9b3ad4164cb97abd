import { LOAN_RAW_TABLES, type LoanRawTable } from '../contract.js';

/**
 * Schemas of the loan-default medallion layers. The raw headers are the CS611 course CSVs' headers,
 * in file order; the sample-data generator writes exactly these, so both sources share one pipeline.
 */

export const ATTRIBUTES_COLUMNS = ['Customer_ID', 'Name', 'Age', 'SSN', 'Occupation', 'snapshot_date'] as const;

export const FINANCIALS_COLUMNS = [
  'Customer_ID',
  'Annual_Income',
  'Monthly_Inhand_Salary',
  'Num_Bank_Accounts',
  'Num_Credit_Card',
  'Interest_Rate',
  'Num_of_Loan',
  'Type_of_Loan',
  'Delay_from_due_date',
  'Num_of_Delayed_Payment',
  'Changed_Credit_Limit',
  'Num_Credit_Inquiries',
  'Credit_Mix',
  'Outstanding_Debt',
  'Credit_Utilization_Ratio',
  'Credit_History_Age',
  'Payment_of_Min_Amount',
  'Total_EMI_per_month',
  'Amount_invested_monthly',
  'Payment_Behaviour',
  'Monthly_Balance',
  'snapshot_date',
] as const;

/** fe_1 … fe_20. */
export const CLICKSTREAM_FEATURES = Array.from({ length: 20 }, (_, i) => `fe_${i + 1}`);

export const CLICKSTREAM_COLUMNS = [...CLICKSTREAM_FEATURES, 'Customer_ID', 'snapshot_date'] as const;

export const LMS_COLUMNS = [
  'loan_id',
  'Customer_ID',
  'loan_start_date',
  'tenure',
  'installment_num',
  'loan_amt',
  'due_amt',
  'paid_amt',
  'overdue_amt',
  'balance',
  'snapshot_date',
] as const;

export { LOAN_RAW_TABLES, type LoanRawTable };

export interface RawTableSpec {
  table: LoanRawTable;
  /** CSV file name inside the raw folder. */
  file: string;
  /** Header of the file, in order (what the generator writes). */
  columns: readonly string[];
  /** Columns that must be present for the pipeline to run (any order; extra columns are carried along in bronze). */
  required: readonly string[];
}

/** Silver reads every column of the course files, so all of them are required (extra columns are kept in bronze). */
export const RAW_TABLES: Readonly<Record<LoanRawTable, RawTableSpec>> = {
  features_attributes: {
    table: 'features_attributes',
    file: 'features_attributes.csv',
    columns: ATTRIBUTES_COLUMNS,
    required: ATTRIBUTES_COLUMNS,
  },
  features_financials: {
    table: 'features_financials',
    file: 'features_financials.csv',
    columns: FINANCIALS_COLUMNS,
    required: FINANCIALS_COLUMNS,
  },
  feature_clickstream: {
    table: 'feature_clickstream',
    file: 'feature_clickstream.csv',
    columns: CLICKSTREAM_COLUMNS,
    required: CLICKSTREAM_COLUMNS,
  },
  lms_loan_daily: {
    table: 'lms_loan_daily',
    file: 'lms_loan_daily.csv',
    columns: LMS_COLUMNS,
    required: LMS_COLUMNS,
  },
};

export function isLoanRawTable(value: string): value is LoanRawTable {
  return Object.hasOwn(RAW_TABLES, value);
}

/** Label definition stored with every label: 30+ days past due at month-on-book 6. */
export const LABEL_DEFINITION = '30dpd_6mob';
export const LABEL_MOB = 6;
export const LABEL_DPD = 30;

/** Silver-layer file and folder names, relative to silverDir. */
export const SILVER_PATHS = {
  table: (table: LoanRawTable) => `${table}.parquet`,
  labelStore: 'label_store/labels.parquet',
  excludedCustomers: 'quality/excluded_customers.parquet',
  qualityReport: 'quality/report.json',
} as const;

/** Gold-layer file names, relative to goldDir. */
export const GOLD_PATHS = {
  training: 'loan_features.parquet',
  month: (snapshotMonth: string) => `by_month/${snapshotMonth}.parquet`,
} as const;

/** Identity and target columns of the gold table, before the features. */
export const GOLD_KEY_COLUMNS = [
  'loan_id',
  'Customer_ID',
  'loan_start_date',
  'snapshot_date',
  'label',
  'label_snapshot_date',
] as const;

/** Last-3-month clickstream means (fe_1_mean_3m … fe_20_mean_3m). */
const CLICKSTREAM_3M_MEANS = CLICKSTREAM_FEATURES.map((fe) => `${fe}_mean_3m`);

/** Numeric gold features: all DOUBLE, NULL when unknown (models treat NULL as NaN/missing). */
export const GOLD_NUMERIC_FEATURES = [
  'Age',
  'Annual_Income',
  'Monthly_Inhand_Salary',
  'Num_Bank_Accounts',
  'Num_Credit_Card',
  'Interest_Rate',
  'Num_of_Loan',
  'Delay_from_due_date',
  'Num_of_Delayed_Payment',
  'Changed_Credit_Limit',
  'Num_Credit_Inquiries',
  'Outstanding_Debt',
  'Credit_Utilization_Ratio',
  'Credit_History_Months',
  'Total_EMI_per_month',
  'Amount_invested_monthly',
  'Monthly_Balance',
  'loan_amt',
  'tenure',
  'Savings_Ratio',
  'DTI',
  'Debt_to_Annual_Income',
  'Loan_to_Annual_Income',
  'clickstream_months',
  'fe_10_mean',
  'fe_10_std',
  'fe_10_last',
  ...CLICKSTREAM_3M_MEANS,
] as const;

/** Categorical gold features: VARCHAR, NULL when unknown. */
export const GOLD_CATEGORICAL_FEATURES = [
  'Credit_Mix',
  'Occupation',
  'Payment_of_Min_Amount',
  'Payment_Behaviour',
] as const;

export type GoldNumericFeature = (typeof GOLD_NUMERIC_FEATURES)[number];
export type GoldCategoricalFeature = (typeof GOLD_CATEGORICAL_FEATURES)[number];

/**
 * The DuckDB of one table's bronze or silver step: the four tables run at once, so each gets its share of the
 * DuckDB memory budget (DUCKDB_MEMORY_LIMIT) rather than all of it, and one thread: four instances already
 * keep the cores busy, and at DuckDB's default (a thread per core each) the ten-times silver layer took 13 s
 * instead of 8.5 s (oversubscribed sorts); the same at 1×.
 */
export const PER_TABLE_DUCKDB = { memoryShare: 1 / LOAN_RAW_TABLES.length, threads: 1 } as const;
