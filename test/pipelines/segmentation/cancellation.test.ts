import { CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  createSegmentationActivities,
  type LoadedSegmentationData,
  type PreprocessedSegmentationData,
} from '../../../src/pipelines/segmentation/activities.js';
import type { CurvePoint } from '../../../src/pipelines/segmentation/contract.js';
import { SEGMENTATION_SAMPLE_FILES, writeSegmentationSampleData } from '../../../src/sample-data/segmentation.js';
import { listModels } from '../../../src/storage/model-store.js';

const FEATURES = ['Annual Income (k$)', 'Spending Score (1-100)'];
const execution = { workflowExecution: { workflowId: 'cancellation-test', runId: 'run-1' } };

/** The real activities, cancelled mid-way through Temporal's activity test environment (no server needed). */
describe('segmentation activities stop where a cancellation reaches them', () => {
  let root: string;
  let activities: ReturnType<typeof createSegmentationActivities>;
  let config: { dataDir: string; runsDir: string; modelStoreDir: string };
  let loaded: LoadedSegmentationData;
  let prepared: PreprocessedSegmentationData;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'segmentation-cancel-'));
    config = { dataDir: join(root, 'data'), runsDir: join(root, 'runs'), modelStoreDir: join(root, 'models') };
    await writeSegmentationSampleData(config.dataDir);
    activities = createSegmentationActivities(config);
    const env = new MockActivityEnvironment(execution);
    loaded = await env.run(() =>
      activities.loadSegmentationData({
        dataset: SEGMENTATION_SAMPLE_FILES.customers,
        features: FEATURES,
        algorithm: 'kmeans' as const,
      }),
    );
    prepared = await env.run(() =>
      activities.preprocessSegmentationData({
        inputPath: loaded.inputPath,
        workDir: loaded.workDir,
        features: FEATURES,
        kMax: 10,
      }),
    );
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const sweep = (ks: number[]) => ({
    cleanPath: prepared.cleanPath,
    scalerPath: prepared.scalerPath,
    features: FEATURES,
    algorithm: 'kmeans' as const,
    ks,
    nInit: 2,
    seed: 42,
  });

  it('a sweep cancelled after its second k throws CancelledFailure before fitting the third', async () => {
    const env = new MockActivityEnvironment(execution);
    const heartbeats: CurvePoint[][] = [];
    env.on('heartbeat', (details: { done: CurvePoint[] }) => {
      heartbeats.push([...details.done]);
      if (details.done.length === 2) env.cancel();
    });
    await assert.rejects(
      env.run(() => activities.fitSegmentationSweep(sweep([1, 2, 3, 4, 5, 6, 7, 8]))),
      CancelledFailure,
    );
    assert.deepEqual(
      heartbeats.map((done) => done.length),
      [1, 2],
      'one heartbeat per k, and none after the cancellation',
    );
  });

  it('the same sweep, not cancelled, fits every k', async () => {
    const env = new MockActivityEnvironment(execution);
    const points: CurvePoint[] = await env.run(() => activities.fitSegmentationSweep(sweep([1, 2, 3])));
    assert.deepEqual(
      points.map((p) => p.k),
      [1, 2, 3],
    );
  });

  it('a final model cancelled during its fit is never saved', async () => {
    const env = new MockActivityEnvironment(execution);
    env.cancel();
    await assert.rejects(
      env.run(() =>
        activities.fitFinalSegmentationModel({
          ...sweep([]),
          modelId: 'segmentation-kmeans-cancelled',
          k: 3,
          curve: [],
          dataset: SEGMENTATION_SAMPLE_FILES.customers,
          fingerprint: loaded.fingerprint,
          droppedRows: 0,
        }),
      ),
      CancelledFailure,
    );
    assert.deepEqual(await listModels(config.modelStoreDir), []);
  });
});
