import { Context } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { findKnee } from '../../../src/ml/kneedle.js';
import type { SweepChunkInput } from '../../../src/pipelines/segmentation/activities.js';
import type { SegmentationInput, SegmentationResult } from '../../../src/pipelines/segmentation/contract.js';
import { segmentationProgressQuery, segmentationWorkflow } from '../../../src/pipelines/segmentation/workflows.js';
import { SEGMENTATION_SAMPLE_FILES, writeSegmentationSampleData } from '../../../src/sample-data/segmentation.js';
import { loadModel } from '../../../src/storage/model-store.js';
import { startTestStack, type TestStack } from '../../support/test-stack.js';
import { waitFor, withDeadline } from '../../support/wait.js';

const MALL_FEATURES = ['Annual Income (k$)', 'Spending Score (1-100)'];

/** Kneedle as the pipeline configures it (kneed's KneeLocator: convex, decreasing, S=1, offline), on a result's curve. */
const kneeOf = (curve: SegmentationResult['curve']): number | null =>
  findKnee(
    curve.map((p) => p.k),
    curve.map((p) => p.score),
    { S: 1, curve: 'convex', direction: 'decreasing', online: false },
  ).knee;

/** Lets the progress test hold the sweep at a known point instead of racing it. */
let releaseGate: () => void = () => undefined;
const gate = new Promise<void>((resolve) => (releaseGate = resolve));
/** How many ks the gated run's first chunk (the one from k = 1, never held) holds. */
let firstChunkKs = 0;

describe('segmentation workflow on a real Temporal dev server', () => {
  let stack: TestStack;

  before(async () => {
    stack = await startTestStack();
    await writeSegmentationSampleData(stack.config.dataDir);
    await writeFile(`${stack.config.dataDir}/bad_types.csv`, 'id,income,score\n1,10,5\n2,20,abc\n3,30,7\n');
    await stack.startWorker((real) => ({
      ...real,
      // Fault injection for the retry test: the first attempt fails as a transient fault would.
      async prepareSegmentationData(input: SegmentationInput) {
        const { workflowExecution, attempt } = Context.current().info;
        if (workflowExecution?.workflowId.startsWith('flaky-') && attempt === 1) {
          throw new Error('simulated transient fault (disk busy)');
        }
        return real.prepareSegmentationData(input);
      },
      async fitSegmentationSweep(args: SweepChunkInput) {
        const { workflowExecution } = Context.current().info;
        if (workflowExecution?.workflowId.startsWith('gated-')) {
          if (args.ks[0] === 1) firstChunkKs = args.ks.length;
          else await gate;
        }
        return real.fitSegmentationSweep(args);
      },
    }));
  });

  after(async () => {
    releaseGate();
    await stack?.teardown();
  });

  const run = (workflowId: string, input: SegmentationInput): Promise<SegmentationResult> =>
    withDeadline(
      `workflow ${workflowId} to close`,
      stack.env.client.workflow.execute(segmentationWorkflow, {
        workflowId,
        taskQueue: stack.config.taskQueue,
        args: [input],
      }),
    );

  it('K-Means: sweeps k, picks the elbow, saves the model and assigns test rows', async () => {
    const result = await run('kmeans-mall', {
      dataset: SEGMENTATION_SAMPLE_FILES.customers,
      features: MALL_FEATURES,
      algorithm: 'kmeans',
      kMin: 1,
      kMax: 10,
      nInit: 10,
      seed: 42,
      testDataset: SEGMENTATION_SAMPLE_FILES.customersTest,
    });
    assert.equal(result.metric, 'sse');
    assert.deepEqual(
      result.curve.map((p) => p.k),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    for (let i = 1; i < result.curve.length; i++) assert.ok(result.curve[i].score < result.curve[i - 1].score);
    // The sample is generated from five segments (MALL_SEGMENTS in src/sample-data/segmentation.ts) that sit
    // apart in (income, score): the SSE falls steeply to k = 5 and flattens after, and Kneedle's elbow is 5.
    assert.equal(result.optimalK, kneeOf(result.curve), 'the k is Kneedle’s elbow of the returned curve');
    assert.equal(result.optimalK, 5, 'the five mall-customer segments');
    assert.equal(result.elbowFound, true);
    assert.equal(result.clusterSizes.length, 5);
    assert.equal(
      result.clusterSizes.reduce((a, b) => a + b, 0),
      result.rows,
    );
    assert.equal(result.testPredictions.length, 20);
    for (const p of result.testPredictions) assert.ok(p.cluster !== null && p.cluster >= 0 && p.cluster < 5);

    const artifact = await loadModel(stack.config.modelStoreDir, result.modelId);
    assert.equal(artifact.pipeline, 'segmentation');
    assert.equal(artifact.algorithm, 'kmeans');
    assert.equal(artifact.lineage.workflowId, 'kmeans-mall');
    assert.match(Object.values(artifact.lineage.dataFingerprints)[0], /^[0-9a-f]{64}$/);
  });

  it('GMM: the elbow of the BIC curve, membership probabilities for test rows, NULL rows dropped', async () => {
    const result = await run('gmm-credit', {
      dataset: SEGMENTATION_SAMPLE_FILES.creditCard,
      features: ['BALANCE', 'PURCHASES', 'CREDIT_LIMIT'],
      algorithm: 'gmm',
      kMin: 1,
      kMax: 8,
      nInit: 1,
      seed: 7,
      testDataset: SEGMENTATION_SAMPLE_FILES.creditCardTest,
    });
    assert.equal(result.metric, 'bic');
    assert.deepEqual(
      result.curve.map((p) => p.k),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
    assert.ok(result.droppedRows >= 1, 'the generated data has blank CREDIT_LIMIT rows');
    // Why 3. The sample draws customers from five behaviour types (CREDIT_CARD_TYPES in
    // src/sample-data/segmentation.ts), but in (BALANCE, PURCHASES, CREDIT_LIMIT) they are skewed log-normals
    // that overlap in pairs: dormant accounts and installment shoppers (credit limits around 1,500 and 3,000,
    // small purchases), transactors and premium customers (7,500 and 14,000, large purchases), with the
    // revolvers (high balance, few purchases) apart. So three groups are separable, and the k = 3 fit's means
    // are those three (BALANCE / PURCHASES / CREDIT_LIMIT about 300 / 430 / 2,300, 2,800 / 4,000 / 9,600 and
    // 2,700 / 90 / 4,700). Beyond 3 the BIC keeps falling (no minimum in 1..8: the skewed tails take extra
    // Gaussians, so "lowest BIC" would say kMax) but by less and less: ~25,300 (k 1→2), ~8,800 (2→3), then
    // ~4,900, ~3,000, ~1,700. Kneedle's elbow is 3 for seeds 0, 1, 7 and 42 with kMax 6, 7 or 8 (and for seed 7
    // up to kMax 10). kMax = 8 leaves the clearest margin: with k = 1..6, k = 2 is within 0.002 of k = 3 on
    // Kneedle's difference curve; with k = 1..8 the peak at 3 leads by 0.035.
    assert.equal(result.optimalK, kneeOf(result.curve), 'the k is Kneedle’s elbow of the returned curve');
    assert.equal(result.optimalK, 3, 'the three separable behaviour groups of the credit-card sample');
    assert.equal(result.elbowFound, true);
    for (let i = 1; i < result.curve.length; i++) {
      assert.ok(result.curve[i].score < result.curve[i - 1].score, 'BIC still falling: lowest BIC is kMax');
    }
    assert.equal(result.clusterSizes.length, 3);
    assert.equal(result.testPredictions.length, 25);
    const withProbabilities = result.testPredictions.filter((p) => p.probabilities);
    assert.ok(withProbabilities.length >= 24);
    for (const p of withProbabilities) {
      assert.equal(p.probabilities!.length, result.optimalK);
      assert.ok(Math.abs(p.probabilities!.reduce((a, b) => a + b, 0) - 1) < 1e-9);
    }
    assert.ok(
      result.testPredictions.some((p) => p.cluster === null),
      'the test row with a blank CREDIT_LIMIT gets no cluster',
    );
  });

  it('retries an activity that fails transiently, and the run completes', async () => {
    const workflowId = 'flaky-kmeans';
    const result = await run(workflowId, {
      dataset: SEGMENTATION_SAMPLE_FILES.customers,
      features: MALL_FEATURES,
      algorithm: 'kmeans',
      kMin: 1,
      kMax: 6,
      nInit: 2,
    });
    assert.ok(result.modelId);
    const history = await stack.env.client.workflow.getHandle(workflowId).fetchHistory();
    const loadStarted = history.events?.find(
      (e) => e.activityTaskStartedEventAttributes,
    )?.activityTaskStartedEventAttributes;
    assert.equal(loadStarted?.attempt, 2, 'the load activity succeeded on its second attempt');
  });

  it('fails fast, non-retryably, with a typed error naming the column, and writes no model', async () => {
    const storeBefore = await readdir(stack.config.modelStoreDir).catch(() => []);
    for (const [workflowId, input, pattern] of [
      [
        'bad-missing-column',
        { dataset: SEGMENTATION_SAMPLE_FILES.customers, features: ['Income'], algorithm: 'kmeans' },
        /Column "Income" is missing/,
      ],
      [
        'bad-non-numeric',
        { dataset: 'bad_types.csv', features: ['income', 'score'], algorithm: 'kmeans', kMax: 2 },
        /"score".*not numeric.*row 2/,
      ],
    ] as const) {
      await assert.rejects(run(workflowId, input as unknown as SegmentationInput), (err: unknown) => {
        assert.ok(err instanceof WorkflowFailedError);
        assert.ok(err.cause instanceof ApplicationFailure);
        assert.equal(err.cause.type, 'DataValidationError');
        assert.equal(err.cause.nonRetryable, true);
        assert.match(err.cause.message, pattern);
        return true;
      });
      const history = await stack.env.client.workflow.getHandle(workflowId).fetchHistory();
      const started = history.events?.filter((e) => e.activityTaskStartedEventAttributes) ?? [];
      assert.equal(started.length, 1);
      assert.equal(started[0].activityTaskStartedEventAttributes!.attempt, 1, 'no retry of bad input');
    }
    assert.deepEqual(await readdir(stack.config.modelStoreDir).catch(() => []), storeBefore);
  });

  it('answers the progress query mid-run with the stage and k done / total', async () => {
    const handle = await stack.env.client.workflow.start(segmentationWorkflow, {
      workflowId: 'gated-progress',
      taskQueue: stack.config.taskQueue,
      args: [
        {
          dataset: SEGMENTATION_SAMPLE_FILES.customers,
          features: MALL_FEATURES,
          algorithm: 'kmeans',
          kMin: 1,
          kMax: 20,
          nInit: 2,
        },
      ],
    });
    const progress = await waitFor('the first sweep chunk (from k = 1) to finish', async () => {
      const p = await handle.query(segmentationProgressQuery);
      return p.kDone > 0 ? p : undefined;
    });
    assert.equal(progress.stage, 'fitting');
    assert.ok(firstChunkKs > 0 && firstChunkKs < 20, `the first chunk holds ${firstChunkKs} ks`);
    assert.equal(progress.kDone, firstChunkKs, 'held at the gate after the first chunk');
    assert.equal(progress.kTotal, 20);
    releaseGate();
    const result = await withDeadline('the gated run to complete', handle.result());
    assert.equal(result.curve.length, 20);
    assert.deepEqual(await handle.query(segmentationProgressQuery), {
      stage: 'completed',
      kDone: 20,
      kTotal: 20,
    });
  });
});
