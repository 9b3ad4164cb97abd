import { Context } from '@temporalio/activity';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fitGmm, predictGmm } from '../../ml/gmm.js';
import { fitKMeans } from '../../ml/kmeans.js';
import { findKnee } from '../../ml/kneedle.js';
import { fitMinMaxScaler, transformMinMax } from '../../ml/minmax-scaler.js';
import type { AppConfig } from '../../config.js';
import { writeJsonAtomic } from '../../storage/atomic-file.js';
import { atomicWriteParquet, sha256File, withDuckDb } from '../../storage/duckdb.js';
import { DataValidationError } from '../../failures.js';
import { loadModel, saveModel } from '../../storage/model-store.js';
import { writeRowsAsParquet } from '../../storage/parquet.js';
import { runWorkspace } from '../../storage/run-workspace.js';
import { assignClusters, type MinMaxScaler, type SegmentationModel } from './model.js';
import {
  MAX_INLINE_TEST_PREDICTIONS,
  type CurvePoint,
  type ResolvedSegmentationInput,
  type SegmentationAlgorithm,
  type SegmentationInput,
  type TestPrediction,
} from './contract.js';
import { csvSource, validateSegmentationInput } from './validate.js';
import { sqlIdentifier } from '../../storage/sql.js';
import { sqlString } from '../../storage/duckdb.js';
import { callingWorkflow, checkpoint } from '../../temporal/activity-context.js';

export interface LoadedSegmentationData {
  input: ResolvedSegmentationInput;
  workDir: string;
  /** Parquet of the chosen features (+ row_index), as read from the CSV. */
  inputPath: string;
  rows: number;
  fingerprint: string;
  testInputPath?: string;
  testRows?: number;
}

export interface PreprocessedSegmentationData {
  cleanPath: string;
  scalerPath: string;
  rows: number;
  droppedRows: number;
}

export interface SweepChunkInput {
  cleanPath: string;
  scalerPath: string;
  features: string[];
  algorithm: SegmentationAlgorithm;
  ks: number[];
  nInit: number;
  seed: number;
}

export interface FinalModelInput extends Omit<SweepChunkInput, 'ks'> {
  modelId: string;
  k: number;
  curve: CurvePoint[];
  dataset: string;
  fingerprint: string;
  droppedRows: number;
}

const featureList = (features: string[]): string => features.map(sqlIdentifier).join(', ');

async function readFeatureRows(path: string, features: string[]): Promise<(number | null)[][]> {
  return withDuckDb(async (conn) => {
    const reader = await conn.runAndReadAll(
      `SELECT ${features.map((f) => `CAST(${sqlIdentifier(f)} AS DOUBLE)`).join(', ')} FROM read_parquet(${sqlString(path)}) ORDER BY row_index`,
    );
    return reader.getRows().map((row) => row.map((v) => (v === null ? null : Number(v))));
  });
}

async function readScaledRows(
  cleanPath: string,
  scalerPath: string,
  features: string[],
): Promise<{ scaler: MinMaxScaler; rows: number[][] }> {
  const scaler = JSON.parse(await readFile(scalerPath, 'utf8')) as MinMaxScaler;
  return { scaler, rows: transformMinMax(scaler, (await readFeatureRows(cleanPath, features)) as number[][]) };
}

function fitOne(
  rows: number[][],
  algorithm: SegmentationAlgorithm,
  k: number,
  nInit: number,
  seed: number,
): CurvePoint {
  if (algorithm === 'kmeans') {
    const fit = fitKMeans(rows, k, { nInit, seed });
    return { k, score: fit.inertia, iterations: fit.iterations };
  }
  const fit = fitGmm(rows, k, { nInit, seed });
  return { k, score: fit.bic, aic: fit.aic, logLikelihood: fit.logLikelihood, iterations: fit.iterations };
}

/** Activities of the segmentation pipeline, bound to the configured folders. */
export function createSegmentationActivities(config: Pick<AppConfig, 'dataDir' | 'runsDir' | 'modelStoreDir'>) {
  return {
    /** Validates the request against the files and copies the chosen columns to Parquet (the claim check). */
    async loadSegmentationData(request: SegmentationInput): Promise<LoadedSegmentationData> {
      const validated = await validateSegmentationInput(config.dataDir, request);
      const { input } = validated;
      const workDir = runWorkspace(config.runsDir, callingWorkflow().workflowId);
      await mkdir(workDir, { recursive: true });
      const inputPath = join(workDir, 'input.parquet');
      const testInputPath = validated.testDatasetPath ? join(workDir, 'test-input.parquet') : undefined;
      const selectFeatures = (path: string) =>
        `SELECT row_number() OVER () - 1 AS row_index, ${featureList(input.features)} FROM ${csvSource(path)}`;
      await withDuckDb(async (conn) => {
        await atomicWriteParquet(conn, selectFeatures(validated.datasetPath), inputPath);
        if (validated.testDatasetPath && testInputPath) {
          await atomicWriteParquet(conn, selectFeatures(validated.testDatasetPath), testInputPath);
        }
      });
      let testRows: number | undefined;
      if (testInputPath) testRows = (await readFeatureRows(testInputPath, input.features)).length;
      return {
        input,
        workDir,
        inputPath,
        rows: validated.rows,
        fingerprint: await sha256File(validated.datasetPath),
        ...(testInputPath ? { testInputPath, testRows } : {}),
      };
    },

    /** Drops rows with a missing feature and fits the MinMax scaler (saved beside the clean rows). */
    async preprocessSegmentationData(args: {
      inputPath: string;
      workDir: string;
      features: string[];
      kMax: number;
    }): Promise<PreprocessedSegmentationData> {
      const cleanPath = join(args.workDir, 'clean.parquet');
      const scalerPath = join(args.workDir, 'scaler.json');
      const allPresent = args.features.map((f) => `${sqlIdentifier(f)} IS NOT NULL`).join(' AND ');
      const totalRows = await withDuckDb(async (conn) => {
        await atomicWriteParquet(
          conn,
          `SELECT * FROM read_parquet(${sqlString(args.inputPath)}) WHERE ${allPresent} ORDER BY row_index`,
          cleanPath,
        );
        const reader = await conn.runAndReadAll(`SELECT count(*) AS n FROM read_parquet(${sqlString(args.inputPath)})`);
        return Number(reader.getRowObjects()[0]?.n ?? 0);
      });
      const rows = (await readFeatureRows(cleanPath, args.features)) as number[][];
      if (rows.length < args.kMax) {
        throw new DataValidationError(`Only ${rows.length} rows have every feature; kMax is ${args.kMax}`, {});
      }
      await writeJsonAtomic(scalerPath, fitMinMaxScaler(rows));
      return { cleanPath, scalerPath, rows: rows.length, droppedRows: totalRows - rows.length };
    },

    /**
     * Fits one chunk of the k sweep. Heartbeats after every k with the points done so far, so a retry
     * after a worker crash resumes from the last finished k instead of starting over, and a cancelled run
     * stops between k values.
     */
    async fitSegmentationSweep(args: SweepChunkInput): Promise<CurvePoint[]> {
      const resumed = (Context.current().info.heartbeatDetails as { done?: CurvePoint[] } | undefined)?.done ?? [];
      const done = resumed.filter((point) => args.ks.includes(point.k));
      const { rows } = await readScaledRows(args.cleanPath, args.scalerPath, args.features);
      for (const k of args.ks) {
        if (done.some((point) => point.k === k)) continue;
        done.push(fitOne(rows, args.algorithm, k, args.nInit, args.seed));
        await checkpoint({ done });
      }
      return done.sort((a, b) => a.k - b.k);
    },

    /** The elbow of the curve by Kneedle (convex, decreasing, S=1, offline: the kneed package's defaults). */
    // eslint-disable-next-line @typescript-eslint/require-await
    async selectOptimalK(args: { curve: CurvePoint[] }): Promise<{ optimalK: number; elbowFound: boolean }> {
      const curve = [...args.curve].sort((a, b) => a.k - b.k);
      const { knee } = findKnee(
        curve.map((p) => p.k),
        curve.map((p) => p.score),
        { S: 1, curve: 'convex', direction: 'decreasing', online: false },
      );
      if (knee === null) return { optimalK: curve[0].k, elbowFound: false };
      return { optimalK: knee, elbowFound: true };
    },

    /** Refits at the chosen k (same seed, so the same model as in the sweep) and saves the versioned artifact. */
    async fitFinalSegmentationModel(args: FinalModelInput): Promise<{ modelId: string; clusterSizes: number[] }> {
      const execution = callingWorkflow();
      const { scaler, rows } = await readScaledRows(args.cleanPath, args.scalerPath, args.features);
      const clusterSizes = new Array<number>(args.k).fill(0);
      let model: SegmentationModel;
      let metrics: Record<string, unknown>;
      if (args.algorithm === 'kmeans') {
        const fit = fitKMeans(rows, args.k, { nInit: args.nInit, seed: args.seed });
        fit.labels.forEach((label) => clusterSizes[label]++);
        model = { algorithm: 'kmeans', features: args.features, k: args.k, scaler, centroids: fit.centroids };
        metrics = { sse: fit.inertia, iterations: fit.iterations };
      } else {
        const fit = fitGmm(rows, args.k, { nInit: args.nInit, seed: args.seed });
        model = { algorithm: 'gmm', features: args.features, k: args.k, scaler, gmm: fit };
        predictGmm(fit, rows).forEach((label) => clusterSizes[label]++);
        metrics = { bic: fit.bic, aic: fit.aic, logLikelihood: fit.logLikelihood, converged: fit.converged };
      }
      // A run cancelled during the fit stops here: no model is saved.
      await checkpoint();
      await saveModel<SegmentationModel>(config.modelStoreDir, {
        modelId: args.modelId,
        pipeline: 'segmentation',
        algorithm: args.algorithm,
        createdAt: new Date().toISOString(),
        params: { k: args.k, nInit: args.nInit, seed: args.seed, features: args.features },
        metrics: { ...metrics, curve: args.curve.map(({ k, score }) => ({ k, score })), clusterSizes },
        lineage: {
          workflowId: execution.workflowId,
          runId: execution.runId,
          dataFingerprints: { [args.dataset]: args.fingerprint },
          rows: rows.length,
          droppedRows: args.droppedRows,
        },
        model,
      });
      return { modelId: args.modelId, clusterSizes };
    },

    /** Assigns the test rows with the saved model; all predictions go to Parquet, the first ones inline. */
    async predictSegmentationTestRows(args: {
      modelId: string;
      testInputPath: string;
      workDir: string;
    }): Promise<{ rows: number; predictions: TestPrediction[]; path: string }> {
      const artifact = await loadModel<SegmentationModel>(config.modelStoreDir, args.modelId);
      const rows = await readFeatureRows(args.testInputPath, artifact.model.features);
      const predictions = assignClusters(artifact.model, rows);
      const path = join(args.workDir, 'test-predictions.parquet');
      await withDuckDb((conn) =>
        writeRowsAsParquet(
          conn,
          predictions.map((p) => ({ row_index: p.row, cluster: p.cluster, probabilities: p.probabilities ?? null })),
          { row_index: 'BIGINT', cluster: 'INTEGER', probabilities: 'DOUBLE[]' },
          path,
        ),
      );
      return { rows: predictions.length, predictions: predictions.slice(0, MAX_INLINE_TEST_PREDICTIONS), path };
    },
  };
}

export type SegmentationActivities = ReturnType<typeof createSegmentationActivities>;
