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
