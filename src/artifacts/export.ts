/** Parquet artifacts as CSV or JSON, converted by DuckDB (its quoting, list and NULL rules, not hand-rolled ones). */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqlString, withDuckDb } from '../storage/duckdb.js';

export const ARTIFACT_FORMATS = ['parquet', 'csv', 'json'] as const;
export type ArtifactFormat = (typeof ARTIFACT_FORMATS)[number];

export const CONTENT_TYPES = {
  png: 'image/png',
  // The IANA-registered Parquet media type (2024).
  parquet: 'application/vnd.apache.parquet',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
} as const;

/** DuckDB COPY options per text format: CSV with a header row; JSON as one array of row objects. */
const COPY_OPTIONS: Record<Exclude<ArtifactFormat, 'parquet'>, string> = {
  csv: 'FORMAT csv, HEADER true',
  json: 'FORMAT json, ARRAY true',
};

/**
 * The whole Parquet file as CSV or JSON bytes. DuckDB writes to a private temp folder (outside DATA_DIR, so
 * a GET never adds files to the lakehouse) that is removed before returning.
 */
export async function exportParquet(parquetPath: string, format: Exclude<ArtifactFormat, 'parquet'>): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'artifact-export-'));
  const out = join(dir, `export.${format}`);
  try {
    await withDuckDb(
      (conn) =>
        conn.run(
          `COPY (SELECT * FROM read_parquet(${sqlString(parquetPath)})) TO ${sqlString(out)} (${COPY_OPTIONS[format]})`,
        ),
      // One thread: a single-file export gains nothing from more, and API requests should not take every core.
      { threads: 1 },
    );
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
