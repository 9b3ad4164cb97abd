/** Reads a gold Parquet file into typed columns (features.ts's GoldColumns): DuckDB vectors to typed arrays. */
import { jsonText, sqlString, type DuckDBConnection } from '../../storage/duckdb.js';
import { readNumericColumns } from '../../storage/parquet.js';
import { sqlIdentifier } from '../../storage/sql.js';
import type { GoldColumns } from './features.js';
import { GOLD_CATEGORICAL_FEATURES, GOLD_NUMERIC_FEATURES } from './medallion/schemas.js';

/** Non-empty values of a categorical column, the dictionary its codes point into. */
async function categoryDictionary(conn: DuckDBConnection, source: string, name: string): Promise<string[]> {
  const column = `CAST(${sqlIdentifier(name)} AS VARCHAR)`;
  const reader = await conn.runAndReadAll(
    `SELECT DISTINCT ${column} AS value FROM ${source} WHERE ${column} IS NOT NULL AND ${column} <> '' ORDER BY 1`,
  );
  return reader.getRowObjectsJson().map((row) => jsonText(row.value));
}

/** SQL list literal of strings. */
function sqlList(values: string[]): string {
  return `[${values.map(sqlString).join(', ')}]::VARCHAR[]`;
}

/**
 * The gold rows matching `where`, ordered by loan_id (the order fits and splits depend on), as columns:
 * features as DOUBLE (NULL → NaN), categories as codes into a per-column dictionary, label, start month.
 * `shared`: in SharedArrayBuffers (storage/parquet.ts), for several compute threads to read at once.
 */
export async function readGoldColumns(
  conn: DuckDBConnection,
  path: string,
  where = 'TRUE',
  { shared = false }: { shared?: boolean } = {},
): Promise<GoldColumns> {
  const source = `(SELECT * FROM read_parquet(${sqlString(path)}) WHERE ${where})`;
  const dictionaries: string[][] = [];
  for (const name of GOLD_CATEGORICAL_FEATURES) dictionaries.push(await categoryDictionary(conn, source, name));
  const numericSql = GOLD_NUMERIC_FEATURES.map((f, j) => `CAST(${sqlIdentifier(f)} AS DOUBLE) AS n${j}`);
  const categoricalSql = GOLD_CATEGORICAL_FEATURES.map(
    (f, j) =>
      `CAST(coalesce(list_position(${sqlList(dictionaries[j])}, CAST(${sqlIdentifier(f)} AS VARCHAR)), 0) - 1 AS INTEGER) AS c${j}`,
  );
  const kinds: Record<string, 'float64' | 'int32'> = {};
  GOLD_NUMERIC_FEATURES.forEach((_, j) => (kinds[`n${j}`] = 'float64'));
  GOLD_CATEGORICAL_FEATURES.forEach((_, j) => (kinds[`c${j}`] = 'int32'));
  kinds.label = 'float64';
  kinds.snapshot_month = 'int32';
  const { nRows, columns } = await readNumericColumns(
    conn,
    `SELECT ${[...numericSql, ...categoricalSql].join(', ')}, CAST(label AS DOUBLE) AS label,
            CAST(year(snapshot_date) * 100 + month(snapshot_date) AS INTEGER) AS snapshot_month
     FROM ${source} ORDER BY CAST(loan_id AS VARCHAR)`,
    kinds,
    { shared },
  );
  return {
    nRows,
    numeric: GOLD_NUMERIC_FEATURES.map((_, j) => columns[`n${j}`] as Float64Array),
    categorical: GOLD_CATEGORICAL_FEATURES.map((name, j) => ({
      name,
      dictionary: dictionaries[j],
      codes: columns[`c${j}`] as Int32Array,
    })),
    label: columns.label as Float64Array,
    snapshotMonth: columns.snapshot_month as Int32Array,
  };
}
