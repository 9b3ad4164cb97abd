/**
 * Loan-default medallion layers (bronze → silver → quality → gold) on DuckDB and Parquet.
 * Every step opens its own in-memory DuckDB, so each can run as a separate (parallel) activity:
 * ingestBronze and buildSilver per table, then runQualityChecks, then buildGold / buildGoldForMonth.
 */
export { ingestBronze, type BronzeResult, type IngestBronzeInput } from './bronze.js';
export {
  buildSilver,
  SILVER_COLUMNS,
  silverTablePath,
  type BuildSilverInput,
  type LabelStoreResult,
  type SilverResult,
} from './silver.js';
export {
  runQualityChecks,
  type QualityInput,
  type QualityIssue,
  type QualityResult,
  type QualityTableReport,
} from './quality.js';
export {
  buildGold,
  buildGoldForMonth,
  normalizeSnapshotMonth,
  type BuildGoldForMonthInput,
  type BuildGoldInput,
  type GoldMonthResult,
  type GoldResult,
} from './gold.js';
export {
  GOLD_CATEGORICAL_FEATURES,
  GOLD_KEY_COLUMNS,
  GOLD_NUMERIC_FEATURES,
  GOLD_PATHS,
  LABEL_DEFINITION,
  LOAN_RAW_TABLES,
  RAW_TABLES,
  SILVER_PATHS,
  type LoanRawTable,
  type RawTableSpec,
} from './schemas.js';
