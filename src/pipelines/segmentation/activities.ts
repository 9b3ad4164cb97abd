import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import { mkdir } from 'node:fs/promises';
import type { AppConfig } from '../../config.js';
import { runCompute } from '../../compute/pool.js';
import { sha256File, withDuckDb } from '../../storage/duckdb.js';
import { saveModel } from '../../storage/model-store.js';
import { runWorkspace } from '../../storage/run-workspace.js';
import { callingWorkflow, checkpoint } from '../../temporal/activity-context.js';
import type { CurvePoint, SegmentationAlgorithm, SegmentationInput, TestPrediction } from './contract.js';
import { selectElbow } from './elbow.js';
import { fitSegmentationKTask, type FitKInput } from './fit-task.js';
import type { SegmentationModel } from './model.js';
import { loadAndScale, predictTestRows } from './prepare.js';
import { readFittedK, readScaledMatrix, readScaler, workspaceFiles, writeFittedK } from './workspace.js';

/** What the first step hands on: paths and counts only (the claim check). */
export interface PreparedSegmentationData {
  input: Awaited<ReturnType<typeof loadAndScale>>['input'];
  workDir: string;
  /** Data rows in the file, those clustered (every feature present), and those dropped. */
  rows: number;
  droppedRows: number;
  features: number;
  fingerprint: string;
  testInputPath?: string;
}

export interface SweepChunkInput {
  workDir: string;
  rows: number;
  features: number;
  algorithm: SegmentationAlgorithm;
  ks: number[];
  nInit: number;
  seed: number;
}

export interface PublishInput {
  workDir: string;
  modelId: string;
  curve: CurvePoint[];
  algorithm: SegmentationAlgorithm;
  features: string[];
  nInit: number;
  seed: number;
  dataset: string;
  fingerprint: string;
  rows: number;
  droppedRows: number;
  testInputPath?: string;
}

export interface PublishedSegmentationModel {
  optimalK: number;
  elbowFound: boolean;
  modelId: string;
  clusterSizes: number[];
  testPredictions: TestPrediction[];
  testPredictionsPath?: string;
}

/** Activities of the segmentation pipeline, bound to the configured folders. */
export function createSegmentationActivities(config: Pick<AppConfig, 'dataDir' | 'runsDir' | 'modelStoreDir'>) {
  return {
    /**
     * Validates the request against the files, then, in the same DuckDB session: keeps the rows with every
     * feature, fits the MinMax scaler and writes the scaled rows for the sweep (and the test rows, if any).
     */
    async prepareSegmentationData(request: SegmentationInput): Promise<PreparedSegmentationData> {
      const workDir = runWorkspace(config.runsDir, callingWorkflow().workflowId);
      await mkdir(workDir, { recursive: true });
      const prepared = await loadAndScale(config.dataDir, workDir, request);
      return {
        input: prepared.input,
        workDir,
        rows: prepared.rows,
        droppedRows: prepared.droppedRows,
        features: prepared.input.features.length,
        fingerprint: await sha256File(prepared.datasetPath),
        ...(prepared.testInputPath ? { testInputPath: prepared.testInputPath } : {}),
      };
    },

    /**
     * Fits one chunk of the k sweep on the compute pool, one k at a time, and keeps each k's model in the
     * workspace. Checkpoints after every k with the points done so far (the worker's interval heartbeats repeat
     * them while a fit runs), so a retry after a worker crash resumes from the last finished k; a cancelled run
     * stops the fit mid-way (the abort signal terminates its thread).
     */
    async fitSegmentationSweep(args: SweepChunkInput): Promise<CurvePoint[]> {
      const context = Context.current();
      const resumed = (context.info.heartbeatDetails as { done?: CurvePoint[] } | undefined)?.done ?? [];
      const done = resumed.filter((point) => args.ks.includes(point.k));
      const data = await readScaledMatrix(workspaceFiles(args.workDir).scaled, args.rows, args.features);
      for (const k of args.ks) {
        if (done.some((point) => point.k === k)) continue;
        const { algorithm, nInit, seed } = args;
        const input: FitKInput = { data, rows: args.rows, cols: args.features, algorithm, k, nInit, seed };
        const fitted = await runCompute(fitSegmentationKTask, input, { signal: context.cancellationSignal }).catch(
          (err: unknown) => {
            if (context.cancellationSignal.aborted) throw new CancelledFailure('Activity cancelled', [], err as Error);
            throw err;
          },
        );
        await writeFittedK(args.workDir, fitted);
        done.push(fitted.point);
        await checkpoint({ done });
      }
      return done.sort((a, b) => a.k - b.k);
    },

    /**
     * The elbow of the curve by Kneedle; the sweep's model at that k becomes the versioned artifact; the test
     * rows, if any, are assigned with it (all to Parquet, the first ones inline). A run cancelled before the
     * save publishes nothing.
     */
    async publishSegmentationModel(args: PublishInput): Promise<PublishedSegmentationModel> {
      const execution = callingWorkflow();
      const { optimalK, elbowFound } = selectElbow(args.curve);
      const [fitted, scaler] = await Promise.all([readFittedK(args.workDir, optimalK), readScaler(args.workDir)]);
      const model: SegmentationModel = {
        algorithm: args.algorithm,
        features: args.features,
        k: optimalK,
        scaler,
        ...(fitted.centroids ? { centroids: fitted.centroids } : {}),
        ...(fitted.gmm ? { gmm: fitted.gmm } : {}),
      };
      await checkpoint();
      await saveModel<SegmentationModel>(config.modelStoreDir, {
        modelId: args.modelId,
        pipeline: 'segmentation',
        algorithm: args.algorithm,
        createdAt: new Date().toISOString(),
        params: { k: optimalK, nInit: args.nInit, seed: args.seed, features: args.features },
        metrics: {
          ...fitted.metrics,
          curve: args.curve.map(({ k, score }) => ({ k, score })),
          clusterSizes: fitted.clusterSizes,
        },
        lineage: {
          workflowId: execution.workflowId,
          runId: execution.runId,
          dataFingerprints: { [args.dataset]: args.fingerprint },
          rows: args.rows,
          droppedRows: args.droppedRows,
        },
        model,
      });
      const published = { optimalK, elbowFound, modelId: args.modelId, clusterSizes: fitted.clusterSizes };
      const { testInputPath } = args;
      if (!testInputPath) return { ...published, testPredictions: [] };
      // The model is published: from here on the run completes, cancelled or not.
      const predicted = await withDuckDb((conn) =>
        predictTestRows(conn, model, testInputPath, workspaceFiles(args.workDir).testPredictions),
      );
      return { ...published, testPredictions: predicted.inline, testPredictionsPath: predicted.path };
    },
  };
}

export type SegmentationActivities = ReturnType<typeof createSegmentationActivities>;
