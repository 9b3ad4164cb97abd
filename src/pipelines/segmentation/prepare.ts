/**
 * The data side of a segmentation run, in one DuckDB session: validate, read the chosen columns once, keep the
 * rows with every feature, scale them; and assigning test rows with the published model.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { fitMinMaxScaler, transformMinMax } from '../../ml/minmax-scaler.js';
import { DataValidationError } from '../../failures.js';
import { writeJsonAtomic } from '../../storage/atomic-file.js';
import { atomicWriteParquet, sqlString, withDuckDb } from '../../storage/duckdb.js';
import { writeRowsAsParquet } from '../../storage/parquet.js';
import { sqlIdentifier } from '../../storage/sql.js';
import { MAX_INLINE_TEST_PREDICTIONS, type ResolvedSegmentationInput, type SegmentationInput } from './contract.js';
import { assignClusters, type SegmentationModel } from './model.js';
import { csvSource, validateSegmentationInputOn } from './validate.js';
import { workspaceFiles, writeScaledMatrix } from './workspace.js';

export interface LoadedAndScaled {
  input: ResolvedSegmentationInput;
  datasetPath: string;
  rows: number;
  droppedRows: number;
  testInputPath?: string;
}

const asDoubles = (features: string[]): string =>
  features.map((f) => `CAST(${sqlIdentifier(f)} AS DOUBLE) AS ${sqlIdentifier(f)}`).join(', ');
const allPresent = (features: string[]): string => features.map((f) => `${sqlIdentifier(f)} IS NOT NULL`).join(' AND ');

/** The rows of a query as numbers (a NULL stays null), one array per row. */
async function numericRows(conn: DuckDBConnection, sql: string): Promise<(number | null)[][]> {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRows().map((row) => row.map((v) => (v === null ? null : Number(v))));
}

export async function loadAndScale(
  dataDir: string,
  workDir: string,
  request: SegmentationInput,
): Promise<LoadedAndScaled> {
  const files = workspaceFiles(workDir);
  return withDuckDb(async (conn) => {
    const validated = await validateSegmentationInputOn(conn, dataDir, request);
    const { input } = validated;
    const { features } = input;
    const selectFeatures = (path: string) =>
      `SELECT row_number() OVER () - 1 AS row_index, ${asDoubles(features)} FROM ${csvSource(path)}`;
    // The CSV is parsed once; the clean rows are written (the cluster map reads them) and read from memory.
    await conn.run(`CREATE TEMP TABLE input AS ${selectFeatures(validated.datasetPath)}`);
    const clean = `SELECT * FROM input WHERE ${allPresent(features)} ORDER BY row_index`;
    await atomicWriteParquet(conn, clean, files.clean);
    const rows = (await numericRows(
      conn,
      `SELECT ${features.map(sqlIdentifier).join(', ')} FROM (${clean})`,
    )) as number[][];
    rows.forEach((row, i) =>
      row.forEach((value, j) => {
        if (!Number.isFinite(value)) {
          throw new DataValidationError(`Column "${features[j]}" of "${input.dataset}" holds ${value} in a clean row`, {
            file: input.dataset,
            column: features[j],
            row: i + 1,
          });
        }
      }),
    );
    const scaler = fitMinMaxScaler(rows);
    const scaled = new Float64Array(rows.length * features.length);
    transformMinMax(scaler, rows).forEach((row, i) => scaled.set(row, i * features.length));
    await Promise.all([writeJsonAtomic(files.scaler, scaler), writeScaledMatrix(files.scaled, scaled)]);
    if (validated.testDatasetPath) {
      await atomicWriteParquet(conn, selectFeatures(validated.testDatasetPath), files.testInput);
    }
    return {
      input,
      datasetPath: validated.datasetPath,
      rows: rows.length,
      droppedRows: validated.rows - rows.length,
      ...(validated.testDatasetPath ? { testInputPath: files.testInput } : {}),
    };
  });
}

/** Assigns the test rows with the model; every prediction goes to Parquet, the first ones come back inline. */
export async function predictTestRows(
  conn: DuckDBConnection,
  model: SegmentationModel,
  testInputPath: string,
  outPath: string,
): Promise<{ inline: ReturnType<typeof assignClusters>; path: string; rows: number }> {
  const rows = await numericRows(
    conn,
    `SELECT ${asDoubles(model.features)} FROM read_parquet(${sqlString(testInputPath)}) ORDER BY row_index`,
  );
  const predictions = assignClusters(model, rows);
  await writeRowsAsParquet(
    conn,
    predictions.map((p) => ({ row_index: p.row, cluster: p.cluster, probabilities: p.probabilities ?? null })),
    { row_index: 'BIGINT', cluster: 'INTEGER', probabilities: 'DOUBLE[]' },
    outPath,
  );
  return { inline: predictions.slice(0, MAX_INLINE_TEST_PREDICTIONS), path: outPath, rows: predictions.length };
}
