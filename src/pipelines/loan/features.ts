import type { DuckDBConnection } from '@duckdb/node-api';
import { median } from '../../ml/math.js';
import { sqlString } from '../../storage/duckdb.js';
import { sqlIdentifier } from '../../storage/sql.js';
import { GOLD_CATEGORICAL_FEATURES, GOLD_NUMERIC_FEATURES } from './medallion/schemas.js';

/** A gold row as the models see it: numbers (NULL → null) and category strings. */
export type GoldRow = Record<string, number | string | null>;

/**
 * Turns gold rows into the model's numeric matrix. Stored with every loan model, so inference and the
 * predict API encode raw rows exactly as training did.
 */
export interface LoanFeatureEncoder {
  numeric: string[];
  /** One-hot levels seen in training; an unseen or missing category encodes as all zeros. */
  categorical: { name: string; levels: string[] }[];
  /** Encoded column names, in matrix order. */
  featureNames: string[];
  /** Training medians per encoded column: linear models impute missing values with them; trees keep NaN. */
  medians: number[];
}

/** An all-missing column imputes 0 (median of nothing is NaN). */
function imputationMedian(values: number[]): number {
  return values.length === 0 ? 0 : median(values);
}

function toNumber(value: unknown): number {
  if (value === null || value === undefined || value === '') return Number.NaN;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : Number.NaN;
}

export function fitLoanEncoder(
  rows: GoldRow[],
  numeric: readonly string[] = GOLD_NUMERIC_FEATURES,
  categorical: readonly string[] = GOLD_CATEGORICAL_FEATURES,
): LoanFeatureEncoder {
  const categories = categorical.map((name) => ({
    name,
    levels: [...new Set(rows.map((r) => r[name]).filter((v): v is string => typeof v === 'string' && v !== ''))].sort(),
  }));
  const featureNames = [...numeric, ...categories.flatMap((c) => c.levels.map((level) => `${c.name}=${level}`))];
  const encoder: LoanFeatureEncoder = { numeric: [...numeric], categorical: categories, featureNames, medians: [] };
  const matrix = encodeLoanRows(encoder, rows);
  encoder.medians = featureNames.map((_, j) =>
    imputationMedian(matrix.map((row) => row[j]).filter((v) => !Number.isNaN(v))),
  );
  return encoder;
}

/** Encodes rows; missing numbers stay NaN unless `impute` (for models that cannot take NaN). */
export function encodeLoanRows(
  encoder: LoanFeatureEncoder,
  rows: Record<string, unknown>[],
  impute = false,
): Float64Array[] {
  const width = encoder.featureNames.length;
  return rows.map((row) => {
    const out = new Float64Array(width);
    let j = 0;
    for (const name of encoder.numeric) {
      const v = toNumber(row[name]);
      out[j] = Number.isNaN(v) && impute ? (encoder.medians[j] ?? 0) : v;
      j++;
    }
    for (const { name, levels } of encoder.categorical) {
      const value = row[name];
      for (const level of levels) out[j++] = value === level ? 1 : 0;
    }
    return out;
  });
}

/** Reads a gold Parquet file into rows (dates as 'YYYY-MM-DD' strings, features as numbers or strings). */
export async function readGoldRows(conn: DuckDBConnection, path: string, where = 'TRUE'): Promise<GoldRow[]> {
  const numeric = GOLD_NUMERIC_FEATURES.map((f) => `CAST(${sqlIdentifier(f)} AS DOUBLE) AS ${sqlIdentifier(f)}`);
  const categorical = GOLD_CATEGORICAL_FEATURES.map(
    (f) => `CAST(${sqlIdentifier(f)} AS VARCHAR) AS ${sqlIdentifier(f)}`,
  );
  const reader = await conn.runAndReadAll(
    `SELECT CAST(loan_id AS VARCHAR) AS loan_id, CAST(Customer_ID AS VARCHAR) AS Customer_ID,
            CAST(snapshot_date AS VARCHAR) AS snapshot_date, CAST(label AS DOUBLE) AS label,
            ${[...numeric, ...categorical].join(', ')}
     FROM read_parquet(${sqlString(path)}) WHERE ${where} ORDER BY loan_id`,
  );
  return reader.getRowObjects() as GoldRow[];
}
