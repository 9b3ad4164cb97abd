import type { DuckDBConnection } from '@duckdb/node-api';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { tempSiblingPath } from './atomic-file.js';
import { atomicWriteParquet, sqlString } from './duckdb.js';
import { sqlIdentifier } from './sql.js';

/** Writes JS rows to Parquet atomically (via a temp NDJSON that DuckDB reads with the given column types). */
export async function writeRowsAsParquet(
  conn: DuckDBConnection,
  rows: Record<string, unknown>[],
  columns: Record<string, string>,
  outPath: string,
): Promise<void> {
  if (rows.length === 0) {
    // read_json cannot infer from an empty file: write a typed, empty table instead.
    const empty = Object.entries(columns)
      .map(([name, type]) => `CAST(NULL AS ${type}) AS ${sqlIdentifier(name)}`)
      .join(', ');
    await atomicWriteParquet(conn, `SELECT ${empty} LIMIT 0`, outPath);
    return;
  }
  const ndjson = tempSiblingPath(`${outPath}.ndjson`);
  await mkdir(dirname(outPath), { recursive: true });
  try {
    await writeFile(ndjson, rows.map((row) => JSON.stringify(row)).join('\n'));
    const columnTypes = Object.entries(columns)
      .map(([name, type]) => `${sqlString(name)}: ${sqlString(type)}`)
      .join(', ');
    await atomicWriteParquet(
      conn,
      `SELECT * FROM read_json(${sqlString(ndjson)}, format = 'newline_delimited', columns = {${columnTypes}})`,
      outPath,
    );
  } finally {
    await rm(ndjson, { force: true });
  }
}

/** How a numeric result column arrives in JS: DOUBLE as Float64Array (NULL → NaN), INTEGER as Int32Array. */
export type NumericColumnKind = 'float64' | 'int32';

type NumericColumn<K extends NumericColumnKind> = K extends 'float64' ? Float64Array : Int32Array;

export interface ReadNumericOptions {
  /** What NULL becomes in int32 columns (default -1; float64 columns get NaN). */
  int32Null?: number;
  /**
   * Columns in SharedArrayBuffers: compute threads they are sent to share them instead of each taking a
   * copy. Whoever holds them must only read them.
   */
  shared?: boolean;
}

/**
 * Runs `selectSql` (its columns CAST to DOUBLE or INTEGER as `kinds` says, in that order) and returns each
 * column as one typed array, filled chunk by chunk from DuckDB's vectors: no row objects, no per-value
 * boxing beyond the read. NULL becomes NaN in float64 columns and `int32Null` in int32 ones.
 */
export async function readNumericColumns<K extends Record<string, NumericColumnKind>>(
  conn: DuckDBConnection,
  selectSql: string,
  kinds: K,
  { int32Null = -1, shared = false }: ReadNumericOptions = {},
): Promise<{ nRows: number; columns: { [Name in keyof K]: NumericColumn<K[Name]> } }> {
  const names = Object.keys(kinds);
  const count = await conn.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM (${selectSql})`);
  const nRows = Number(count.getRowObjectsJson()[0]?.n ?? 0);
  const memory = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const arrays = names.map((name) =>
    kinds[name] === 'float64'
      ? new Float64Array(memory(nRows * Float64Array.BYTES_PER_ELEMENT))
      : new Int32Array(memory(nRows * Int32Array.BYTES_PER_ELEMENT)),
  );
  const result = await conn.stream(selectSql);
  let offset = 0;
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const rows = chunk.rowCount;
    if (offset + rows > nRows) throw new Error(`readNumericColumns: more rows than counted (${nRows})`);
    arrays.forEach((out, c) => {
      const vector = chunk.getColumnVector(c);
      const isFloat = out instanceof Float64Array;
      for (let i = 0; i < rows; i++) {
        const v = vector.getItem(i);
        if (isFloat) out[offset + i] = typeof v === 'number' && Number.isFinite(v) ? v : Number.NaN;
        else out[offset + i] = typeof v === 'number' ? v : int32Null;
      }
    });
    offset += rows;
  }
  if (offset !== nRows) throw new Error(`readNumericColumns: read ${offset} rows, counted ${nRows}`);
  const columns = Object.fromEntries(names.map((name, c) => [name, arrays[c]]));
  return { nRows, columns: columns as { [Name in keyof K]: NumericColumn<K[Name]> } };
}

/**
 * Loads typed columns into a new table `table` (`row_index` INTEGER 0..n-1 first, then each
 * column as DOUBLE or INTEGER) through DuckDB's appender, so JS arrays join Parquet data in SQL.
 */
export async function createTableFromColumns(
  conn: DuckDBConnection,
  table: string,
  columns: Record<string, { type: 'DOUBLE' | 'INTEGER'; values: ArrayLike<number> }>,
): Promise<void> {
  const entries = Object.entries(columns);
  const nRows = entries[0]?.[1].values.length ?? 0;
  const definitions = entries.map(([name, { type }]) => `${sqlIdentifier(name)} ${type}`);
  await conn.run(`CREATE TABLE ${sqlIdentifier(table)} (row_index INTEGER, ${definitions.join(', ')})`);
  const appender = await conn.createAppender(table);
  try {
    for (let i = 0; i < nRows; i++) {
      appender.appendInteger(i);
      for (const [, { type, values }] of entries) {
        const v = values[i];
        if (Number.isNaN(v)) appender.appendNull();
        else if (type === 'DOUBLE') appender.appendDouble(v);
        else appender.appendInteger(v);
      }
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
