import type { DuckDBConnection } from '@duckdb/node-api';
import { basename } from 'node:path';
import { resolveCsvDataset } from '../../storage/datasets.js';
import { sqlString, withDuckDb } from '../../storage/duckdb.js';
import { DataValidationError } from '../../failures.js';
import { sqlIdentifier } from '../../storage/sql.js';
import { checkRequest } from '../request-check.js';
import {
  SegmentationRequest,
  segmentationWithDefaults,
  type ResolvedSegmentationInput,
  type SegmentationInput,
} from './contract.js';

const NUMERIC_TYPE =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL.*)$/;

export interface ValidatedSegmentationInput {
  input: ResolvedSegmentationInput;
  datasetPath: string;
  testDatasetPath?: string;
  /** Data rows in the file, and those with every feature present (the ones that are clustered). */
  rows: number;
  usableRows: number;
}

export function csvSource(path: string): string {
  return `read_csv(${sqlString(path)}, header = true)`;
}

async function describeCsv(conn: DuckDBConnection, path: string): Promise<Map<string, string>> {
  const reader = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${csvSource(path)}`);
  return new Map(reader.getRowObjects().map((row) => [String(row.column_name), String(row.column_type)]));
}

/** The 1-based data row of the first value that is not a number, to name it in the error. */
async function firstNonNumericRow(
  conn: DuckDBConnection,
  path: string,
  column: string,
): Promise<{ row: number; value: string } | undefined> {
  const col = sqlIdentifier(column);
  const reader = await conn.runAndReadAll(
    `SELECT row_number, value FROM (
       SELECT row_number() OVER () AS row_number, ${col} AS value
       FROM read_csv(${sqlString(path)}, header = true, all_varchar = true)
     ) WHERE value IS NOT NULL AND trim(value) <> '' AND TRY_CAST(trim(value) AS DOUBLE) IS NULL
     ORDER BY row_number LIMIT 1`,
  );
  const [hit] = reader.getRowObjects();
  return hit ? { row: Number(hit.row_number), value: String(hit.value) } : undefined;
}

/** Every named feature exists in the CSV and holds numbers; errors name the file, column and row. */
async function checkFeatureColumns(conn: DuckDBConnection, path: string, features: string[]): Promise<void> {
  const file = basename(path);
  let columns: Map<string, string>;
  try {
    columns = await describeCsv(conn, path);
  } catch (err) {
    throw new DataValidationError(`Cannot read "${file}" as CSV: ${(err as Error).message.split('\n')[0]}`, { file });
  }
  for (const feature of features) {
    const type = columns.get(feature);
    if (type === undefined) {
      throw new DataValidationError(
        `Column "${feature}" is missing from "${file}" (columns: ${[...columns.keys()].join(', ')})`,
        { file, column: feature },
      );
    }
    if (!NUMERIC_TYPE.test(type)) {
      const bad = await firstNonNumericRow(conn, path, feature);
      const where = bad ? ` (row ${bad.row} holds "${bad.value}")` : '';
      throw new DataValidationError(`Column "${feature}" in "${file}" is not numeric${where}`, {
        file,
        column: feature,
        row: bad?.row,
      });
    }
  }
}

async function countRows(
  conn: DuckDBConnection,
  path: string,
  features: string[],
): Promise<{ rows: number; usableRows: number }> {
  const allPresent = features.map((f) => `${sqlIdentifier(f)} IS NOT NULL`).join(' AND ');
  const reader = await conn.runAndReadAll(
    `SELECT count(*) AS rows, count(*) FILTER (WHERE ${allPresent}) AS usable FROM ${csvSource(path)}`,
  );
  const [counts] = reader.getRowObjects();
  return { rows: Number(counts?.rows ?? 0), usableRows: Number(counts?.usable ?? 0) };
}

/** Fills defaults and checks what needs no data: the schema's rules, then kMin ≤ kMax. */
export function resolveSegmentationParams(input: SegmentationInput): ResolvedSegmentationInput {
  checkRequest(SegmentationRequest, input, 'segmentation request');
  const resolved = segmentationWithDefaults(input);
  if (resolved.kMin > resolved.kMax) {
    throw new DataValidationError(`kMin (${resolved.kMin}) is larger than kMax (${resolved.kMax})`, {});
  }
  return resolved;
}

/**
 * Everything that can be known wrong before any work starts: used by the API (to answer 4xx and write
 * nothing) and by the workflow's first activity (to fail fast, non-retryably, when started directly).
 */
export async function validateSegmentationInput(
  dataDir: string,
  input: SegmentationInput,
): Promise<ValidatedSegmentationInput> {
  resolveSegmentationParams(input);
  return withDuckDb((conn) => validateSegmentationInputOn(conn, dataDir, input));
}

/** validateSegmentationInput on a connection the caller goes on using (the pipeline's first step reads on). */
export async function validateSegmentationInputOn(
  conn: DuckDBConnection,
  dataDir: string,
  input: SegmentationInput,
): Promise<ValidatedSegmentationInput> {
  const resolved = resolveSegmentationParams(input);
  const datasetPath = await resolveCsvDataset(dataDir, resolved.dataset);
  const testDatasetPath = resolved.testDataset
    ? await resolveCsvDataset(dataDir, resolved.testDataset, 'test dataset')
    : undefined;
  await checkFeatureColumns(conn, datasetPath, resolved.features);
  if (testDatasetPath) await checkFeatureColumns(conn, testDatasetPath, resolved.features);
  const { rows, usableRows } = await countRows(conn, datasetPath, resolved.features);
  if (usableRows === 0) {
    throw new DataValidationError(`"${resolved.dataset}" has no rows with all of ${resolved.features.join(', ')}`, {
      file: resolved.dataset,
    });
  }
  if (resolved.kMax > usableRows) {
    throw new DataValidationError(
      `kMax (${resolved.kMax}) is larger than the ${usableRows} usable rows of "${resolved.dataset}"`,
      { file: resolved.dataset },
    );
  }
  return { input: resolved, datasetPath, testDatasetPath, rows, usableRows };
}
