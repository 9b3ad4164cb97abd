import { CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { closeComputePool } from '../../../src/compute/pool.js';
import {
  createSegmentationActivities,
  type PreparedSegmentationData,
  type SweepChunkInput,
} from '../../../src/pipelines/segmentation/activities.js';
import type { CurvePoint } from '../../../src/pipelines/segmentation/contract.js';
import { SEGMENTATION_SAMPLE_FILES, writeSegmentationSampleData } from '../../../src/sample-data/segmentation.js';
import { listModels } from '../../../src/storage/model-store.js';

const FEATURES = ['Annual Income (k$)', 'Spending Score (1-100)'];
const execution = { workflowExecution: { workflowId: 'cancellation-test', runId: 'run-1' } };

/** The real activities (fits on the real compute pool), cancelled mid-way through Temporal's activity test environment. */
describe('segmentation activities stop where a cancellation reaches them', () => {
  let root: string;
  let activities: ReturnType<typeof createSegmentationActivities>;
  let config: { dataDir: string; runsDir: string; modelStoreDir: string };
  let prepared: PreparedSegmentationData;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'segmentation-cancel-'));
    config = { dataDir: join(root, 'data'), runsDir: join(root, 'runs'), modelStoreDir: join(root, 'models') };
    await writeSegmentationSampleData(config.dataDir);
    activities = createSegmentationActivities(config);
    prepared = await new MockActivityEnvironment(execution).run(() =>
      activities.prepareSegmentationData({
        dataset: SEGMENTATION_SAMPLE_FILES.customers,
        features: FEATURES,
        algorithm: 'kmeans' as const,
        kMax: 10,
      }),
    );
  });

  after(async () => {
    await closeComputePool();
    await rm(root, { recursive: true, force: true });
  });

  const sweep = (ks: number[], nInit = 2): SweepChunkInput => ({
    workDir: prepared.workDir,
    rows: prepared.rows,
    features: prepared.features,
    algorithm: 'kmeans',
    ks,
    nInit,
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
    const kept = await readdir(join(prepared.workDir, 'sweep'));
    assert.ok(!kept.includes('k-3.json'), `no model for k = 3 (kept: ${kept.join(', ')})`);
  });

  it('a sweep cancelled before its first fit comes back throws CancelledFailure and keeps no model', async () => {
    const env = new MockActivityEnvironment(execution);
    // Cancelled as soon as the activity starts: the pool refuses or aborts the fit, whichever point it reached.
    const running = env.run(() => activities.fitSegmentationSweep(sweep([9, 10], 100)));
    env.cancel();
    await assert.rejects(running, CancelledFailure);
    const kept = await readdir(join(prepared.workDir, 'sweep')).catch((): string[] => []);
    assert.ok(!kept.includes('k-9.json') && !kept.includes('k-10.json'), `kept: ${kept.join(', ')}`);
  });

  it('the same sweep, not cancelled, fits every k, resuming after the ks a heartbeat says are done', async () => {
    const env = new MockActivityEnvironment({ ...execution, heartbeatDetails: { done: [{ k: 1, score: -1 }] } });
    const points: CurvePoint[] = await env.run(() => activities.fitSegmentationSweep(sweep([1, 2, 3])));
    assert.deepEqual(
      points.map((p) => [p.k, p.score === -1]),
      [
        [1, true],
        [2, false],
        [3, false],
      ],
      'k = 1 came from the heartbeat, not a refit',
    );
  });

  it('a publish cancelled before its save saves no model', async () => {
    const env = new MockActivityEnvironment(execution);
    await env.run(() => activities.fitSegmentationSweep(sweep([1, 2, 3])));
    env.cancel();
    await assert.rejects(
      env.run(() =>
        activities.publishSegmentationModel({
          workDir: prepared.workDir,
          modelId: 'segmentation-kmeans-cancelled',
          curve: [1, 2, 3].map((k) => ({ k, score: 10 / k })),
          algorithm: 'kmeans',
          features: FEATURES,
          nInit: 2,
          seed: 42,
          dataset: SEGMENTATION_SAMPLE_FILES.customers,
          fingerprint: prepared.fingerprint,
          rows: prepared.rows,
          droppedRows: 0,
        }),
      ),
      CancelledFailure,
    );
    assert.deepEqual(await listModels(config.modelStoreDir), []);
  });
});
