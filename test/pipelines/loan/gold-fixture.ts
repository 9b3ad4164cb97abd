/**
 * A small gold Parquet file written straight by DuckDB (no medallion run): every gold column, a label that
 * depends on two features, missing values, an empty category, and loan ids whose text order is not numeric.
 */
import { atomicWriteParquet, withDuckDb } from '../../../src/storage/duckdb.js';
import { sqlIdentifier } from '../../../src/storage/sql.js';
import { GOLD_CATEGORICAL_FEATURES, GOLD_NUMERIC_FEATURES } from '../../../src/pipelines/loan/medallion/schemas.js';

export async function writeGoldFixture(path: string, rows: number): Promise<void> {
  const numeric = GOLD_NUMERIC_FEATURES.map((name, j) => {
    if (j === 0) return `CASE WHEN i % 7 = 0 THEN NULL ELSE (i * 37 % 101)::DOUBLE END AS ${sqlIdentifier(name)}`;
    if (j === 1) return `(i * 53 % 89)::DOUBLE / 10 AS ${sqlIdentifier(name)}`;
    return `((i * ${j + 3}) % ${j + 11})::DOUBLE AS ${sqlIdentifier(name)}`;
  });
  const levels = [
    ['Good', 'Standard', 'Bad'],
    ['Lawyer', 'Engineer', 'Doctor', 'Writer'],
    ['Yes', 'No'],
    ['Low_spent_Small_value_payments', 'High_spent_Large_value_payments'],
  ];
  const categorical = GOLD_CATEGORICAL_FEATURES.map((name, j) => {
    const list = `[${levels[j].map((l) => `'${l}'`).join(', ')}]`;
    // Every 11th row is missing, every 13th empty (both encode as no level).
    return `CASE WHEN i % 11 = 0 THEN NULL WHEN i % 13 = 0 THEN '' ELSE ${list}[1 + (i * ${j + 2}) % ${levels[j].length}] END AS ${sqlIdentifier(name)}`;
  });
  await withDuckDb((conn) =>
    atomicWriteParquet(
      conn,
      `SELECT 'L' || i AS loan_id, 'C' || i AS Customer_ID,
              DATE '2023-01-01' + INTERVAL (i % 12) MONTH AS snapshot_date,
              CASE WHEN i % 17 = 0 THEN NULL
                   WHEN (i * 37 % 101) + 3 * (i * 53 % 89) / 10 + (i * 7919 % 23) > 110 THEN 1 ELSE 0 END AS label,
              ${[...numeric, ...categorical].join(',\n              ')}
       FROM range(${rows}) t(i)`,
      path,
    ),
  );
}
