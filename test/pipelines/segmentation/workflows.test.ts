/**
 * segmentationWorkflow's orchestration alone, against stub activities on a real dev server (the Temporal
 * TypeScript samples' "mocks" pattern; the time-skipping server cannot be downloaded here). No data is read
 * and nothing is fitted: the stubs record what the workflow asks for and answer with made-up numbers.
 */
import { Context } from '@temporalio/activity';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataValidationError } from '../../../src/failures.js';
import type { SegmentationActivities } from '../../../src/pipelines/segmentation/activities.js';
import { segmentationModelId, SWEEP_CONCURRENCY, sweepChunks } from '../../../src/pipelines/segmentation/config.js';
import {
  segmentationWithDefaults,
  type CurvePoint,
  type SegmentationInput,
  type SegmentationProgress,
  type SegmentationResult,
  type TestPrediction,
} from '../../../src/pipelines/segmentation/contract.js';
import { segmentationProgressQuery, segmentationWorkflow } from '../../../src/pipelines/segmentation/workflows.js';
import { startTestStack, type TestStack } from '../../support/test-stack.js';
import { waitFor, withDeadline } from '../../support/wait.js';
import { runStampSuffix } from '../../../src/temporal/workflow-context.js';

type ActivityName = keyof SegmentationActivities;

interface Call {
  activity: ActivityName;
  attempt: number;
  args: unknown;
}

/** Every stub call, by workflow id. */
const calls = new Map<string, Call[]>();
/** Sweep chunks that start at this k or later wait for the workflow's gate (the progress test holds the sweep here). */
const gates = new Map<string, { fromK: number; open: Promise<void> }>();

function record(activity: ActivityName, args: unknown): { workflowId: string; attempt: number } {
  const { workflowExecution, attempt } = Context.current().info;
  const workflowId = workflowExecution!.workflowId;
  calls.set(workflowId, [...(calls.get(workflowId) ?? []), { activity, attempt, args }]);
  return { workflowId, attempt };
}

function callsOf<A extends ActivityName>(workflowId: string, activity: A): Parameters<SegmentationActivities[A]>[0][] {
  return (calls.get(workflowId) ?? [])
    .filter((call) => call.activity === activity)
    .map((call) => call.args as Parameters<SegmentationActivities[A]>[0]);
}

/** A made-up, strictly decreasing score: its lowest point is kMax, never the stubbed elbow. */
const stubScore = (k: number): number => 1000 / k;
/** What the stubbed Kneedle answers: inside the tested range, neither end, not the lowest score. */
const STUB_ELBOW = 7;
const BAD_INPUT_MESSAGE = 'Only 3 rows of "stub.csv" have every feature; kMax is 23';
/** Rows the stub says it prepared: enough for the sweep to be cut into several chunks. */
const STUB_ROWS = 20_000;
const STUB_TEST_PREDICTIONS: TestPrediction[] = [
  { row: 0, cluster: 2 },
  { row: 1, cluster: null },
];

const stubs: SegmentationActivities = {
  // eslint-disable-next-line @typescript-eslint/require-await
  async prepareSegmentationData(request: SegmentationInput) {
    const { workflowId, attempt } = record('prepareSegmentationData', request);
    if (workflowId.startsWith('bad-input-')) {
      throw new DataValidationError(BAD_INPUT_MESSAGE, { file: 'stub.csv', column: 'income' });
    }
    if (workflowId.startsWith('transient-') && attempt === 1) throw new Error('stub: disk busy');
    const input = segmentationWithDefaults(request);
    return {
      input,
      workDir: '/stub/work',
      rows: STUB_ROWS,
      droppedRows: 3,
      features: input.features.length,
      fingerprint: 'stub-fingerprint',
      ...(request.testDataset ? { testInputPath: '/stub/work/test-input.parquet' } : {}),
    };
  },

  async fitSegmentationSweep(args) {
    const { workflowId } = record('fitSegmentationSweep', args);
    const gate = gates.get(workflowId);
    if (gate && args.ks[0] >= gate.fromK) await gate.open;
    // Lower ks answer later: a workflow that assembled the curve in completion order would scramble it.
    await sleep(Math.max(0, 30 - args.ks[0]) * 3);
    return args.ks.map((k) => ({ k, score: stubScore(k), aic: 2 * stubScore(k), iterations: k }));
  },

  // eslint-disable-next-line @typescript-eslint/require-await
  async publishSegmentationModel(args) {
    record('publishSegmentationModel', args);
    return {
      optimalK: STUB_ELBOW,
      elbowFound: true,
      modelId: args.modelId,
      clusterSizes: Array.from({ length: STUB_ELBOW }, () => 71),
      testPredictions: args.testInputPath ? STUB_TEST_PREDICTIONS : [],
      ...(args.testInputPath ? { testPredictionsPath: '/stub/work/test-predictions.parquet' } : {}),
    };
  },
};

/** The run stamp a model id must carry: the run's start time (to the second, UTC) and its run id's first 8 chars. */
async function expectedRunStamp(handle: WorkflowHandle): Promise<string> {
  const { startTime, runId } = await handle.describe();
  const stamp = startTime
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${runStampSuffix(runId, true)}`;
}

describe('segmentationWorkflow orchestration, with stub activities', () => {
  let stack: TestStack;

  before(async () => {
    stack = await startTestStack();
    await stack.startWorker(() => stubs);
  });

  after(async () => {
    await stack?.teardown();
  });

  const start = (workflowId: string, request: SegmentationInput) =>
    stack.env.client.workflow.start(segmentationWorkflow, {
      workflowId,
      taskQueue: stack.config.taskQueue,
      args: [request],
    });

  const request: SegmentationInput = {
    dataset: 'stub.csv',
    features: ['income', 'score'],
    algorithm: 'kmeans',
    kMin: 2,
    kMax: 23,
    nInit: 3,
    seed: 11,
  };

  it('sweeps k in sweepChunks chunks, publishes Kneedle’s k from the whole curve, and names the model after the run', async () => {
    const workflowId = 'orchestration-kmeans';
    const handle = await start(workflowId, request);
    const result = await withDeadline(`${workflowId} to complete`, handle.result());

    // The sweep: one activity per chunk, exactly the chunks sweepChunks gives, each with the run's parameters.
    const expectedChunks = sweepChunks({ algorithm: 'kmeans', kMin: 2, kMax: 23, nInit: 3, rows: STUB_ROWS });
    // Chunks run several at once, so they may start in any order.
    const sweeps = callsOf(workflowId, 'fitSegmentationSweep');
    assert.deepEqual(
      sweeps.map((args) => args.ks).sort((a, b) => a[0] - b[0]),
      expectedChunks,
    );
    assert.ok(sweeps.length > SWEEP_CONCURRENCY, 'more chunks than run at once: the lanes pick up the rest');
    for (const { ks: _ks, ...rest } of sweeps) {
      assert.deepEqual(rest, {
        workDir: '/stub/work',
        rows: STUB_ROWS,
        features: 2,
        algorithm: 'kmeans',
        nInit: 3,
        seed: 11,
      });
    }

    // The curve, in k order, goes to the publish step, which names the model after the run.
    const ks = Array.from({ length: 22 }, (_, i) => i + 2);
    const fullCurve: CurvePoint[] = ks.map((k) => ({ k, score: stubScore(k), aic: 2 * stubScore(k), iterations: k }));
    const publishes = callsOf(workflowId, 'publishSegmentationModel');
    assert.equal(publishes.length, 1);
    const [publish] = publishes;
    assert.deepEqual(publish.curve, fullCurve);
    assert.match(result.modelId, /^segmentation-kmeans-\d{8}T\d{6}Z-[0-9a-f]{8}$/);
    assert.equal(result.modelId, segmentationModelId('kmeans', await expectedRunStamp(handle)));
    assert.equal(publish.modelId, result.modelId);
    const { curve: _curve, modelId: _modelId, ...publishRest } = publish;
    assert.deepEqual(publishRest, {
      workDir: '/stub/work',
      algorithm: 'kmeans',
      features: ['income', 'score'],
      nInit: 3,
      seed: 11,
      dataset: 'stub.csv',
      fingerprint: 'stub-fingerprint',
      rows: STUB_ROWS,
      droppedRows: 3,
    });

    assert.deepEqual(result, {
      optimalK: STUB_ELBOW,
      elbowFound: true,
      metric: 'sse',
      curve: ks.map((k) => ({ k, score: stubScore(k) })),
      modelId: result.modelId,
      clusterSizes: Array.from({ length: STUB_ELBOW }, () => 71),
      rows: STUB_ROWS,
      droppedRows: 3,
      testPredictions: [],
    } satisfies SegmentationResult);
    assert.deepEqual(
      (calls.get(workflowId) ?? []).map((call) => call.activity),
      ['prepareSegmentationData', ...sweeps.map(() => 'fitSegmentationSweep'), 'publishSegmentationModel'],
    );
  });

  it('assigns the test dataset with the saved model, and reports the BIC metric for a GMM', async () => {
    const workflowId = 'orchestration-gmm-with-test-rows';
    const handle = await start(workflowId, { ...request, algorithm: 'gmm', testDataset: 'stub_test.csv' });
    const result = await withDeadline(`${workflowId} to complete`, handle.result());
    assert.equal(result.metric, 'bic');
    assert.equal(result.modelId, segmentationModelId('gmm', await expectedRunStamp(handle)));
    const [publish] = callsOf(workflowId, 'publishSegmentationModel');
    assert.equal(publish.testInputPath, '/stub/work/test-input.parquet');
    assert.equal(publish.modelId, result.modelId);
    assert.deepEqual(result.testPredictions, STUB_TEST_PREDICTIONS);
    assert.equal(result.testPredictionsPath, '/stub/work/test-predictions.parquet');
  });

  it('answers the progress query with the stage and k done / total while the sweep runs', async () => {
    const workflowId = 'orchestration-progress';
    let openGate: () => void = () => undefined;
    const chunks = sweepChunks({ algorithm: 'kmeans', kMin: 2, kMax: 23, nInit: 3, rows: STUB_ROWS });
    gates.set(workflowId, { fromK: chunks[2][0], open: new Promise<void>((resolve) => (openGate = resolve)) });
    try {
      const handle = await start(workflowId, request);
      const heldAt = chunks[0].length + chunks[1].length;
      const progress = await waitFor(`${workflowId} to finish two sweep chunks`, async () => {
        const p = await handle.query(segmentationProgressQuery);
        return p.kDone >= heldAt ? p : undefined;
      });
      assert.deepEqual(progress, { stage: 'fitting', kDone: heldAt, kTotal: 22 } satisfies SegmentationProgress);
      // Held at the gate: the answer does not move on by itself.
      assert.deepEqual(await handle.query(segmentationProgressQuery), progress);
      openGate();
      await withDeadline(`${workflowId} to complete`, handle.result());
      assert.deepEqual(await handle.query(segmentationProgressQuery), { stage: 'completed', kDone: 22, kTotal: 22 });
    } finally {
      openGate();
    }
  });

  it('fails the run non-retryably on a DataValidationError, after one attempt, with its message and type', async () => {
    const workflowId = 'bad-input-orchestration';
    const handle = await start(workflowId, request);
    await assert.rejects(withDeadline(`${workflowId} to fail`, handle.result()), (err: unknown) => {
      assert.ok(err instanceof WorkflowFailedError, String(err));
      assert.ok(err.cause instanceof ApplicationFailure, String(err.cause));
      assert.equal(err.cause.type, 'DataValidationError');
      assert.equal(err.cause.nonRetryable, true);
      assert.equal(err.cause.message, BAD_INPUT_MESSAGE);
      assert.deepEqual(err.cause.details, [{ file: 'stub.csv', column: 'income' }]);
      return true;
    });
    assert.deepEqual(
      (calls.get(workflowId) ?? []).map(({ activity, attempt }) => ({ activity, attempt })),
      [{ activity: 'prepareSegmentationData', attempt: 1 }],
      'one attempt, and nothing after the failing step',
    );
    // The query still answers after the failure. (Its `message` is the ActivityFailure's "Activity task failed",
    // not the cause's: the workflow records the error before the interceptor lifts the cause; not asserted here.)
    const { message: _message, ...progress } = await handle.query(segmentationProgressQuery);
    assert.deepEqual(progress, { stage: 'failed', kDone: 0, kTotal: 0 });
  });

  it('retries any other error (the contrast: only bad input is final)', async () => {
    const workflowId = 'transient-orchestration';
    const result = await withDeadline(
      `${workflowId} to complete`,
      start(workflowId, request).then((h) => h.result()),
    );
    assert.equal(result.optimalK, STUB_ELBOW);
    assert.deepEqual(
      (calls.get(workflowId) ?? [])
        .filter((call) => call.activity === 'prepareSegmentationData')
        .map((call) => call.attempt),
      [1, 2],
    );
  });
});
