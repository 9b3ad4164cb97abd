import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { findKnee } from '../../src/ml/kneedle.js';
import { MAX_K, type SegmentationResult } from '../../src/pipelines/segmentation/contract.js';
import { SEGMENTATION_SAMPLE_FILES, writeSegmentationSampleData } from '../../src/sample-data/segmentation.js';
import { authHeaders, runClosedOverApi } from '../support/api.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/wait.js';

const MALL_FEATURES = ['Annual Income (k$)', 'Spending Score (1-100)'];

interface RunBody {
  status: string;
  result: unknown;
  error: unknown;
  pipeline: string;
}

describe('segmentation API against a real worker and dev server', () => {
  let stack: TestStack;
  let app: FastifyInstance;
  /** Workflow ids the API asked Temporal to start, in order (a spy on the client the app is given). */
  const startedByApi: string[] = [];

  before(async () => {
    stack = await startTestStack();
    await writeSegmentationSampleData(stack.config.dataDir);
    await writeFile(`${stack.config.dataDir}/bad_types.csv`, 'id,income,score\n1,10,5\n2,20,abc\n3,30,7\n');
    await stack.startWorker();
    const workflows = stack.env.client.workflow;
    const start = workflows.start.bind(workflows);
    workflows.start = ((...args: Parameters<typeof start>) => {
      startedByApi.push(args[1].workflowId);
      return start(...args);
    }) as typeof workflows.start;
    app = await buildApp({ config: stack.config, client: stack.env.client });
  });

  after(async () => {
    await app?.close();
    await stack?.teardown();
  });

  /** Ids of every segmentation workflow the dev server knows (its visibility store). */
  const waitForRun = (runId: string) => runClosedOverApi<RunBody>(app, runId);

  async function listSegmentationWorkflows(): Promise<string[]> {
    const ids: string[] = [];
    for await (const execution of stack.env.client.workflow.list({ query: "WorkflowType = 'segmentationWorkflow'" })) {
      ids.push(execution.workflowId);
    }
    return ids.sort();
  }

  let modelId = '';

  it('starts a GMM run (202), reports it, lists and serves its model, and predicts with it', async () => {
    const started = await app.inject({
      method: 'POST',
      headers: authHeaders(),
      url: '/runs/segmentation',
      payload: {
        dataset: SEGMENTATION_SAMPLE_FILES.creditCard,
        features: ['BALANCE', 'PURCHASES', 'CREDIT_LIMIT'],
        algorithm: 'gmm',
        kMin: 1,
        kMax: 5,
        nInit: 1,
        testDataset: SEGMENTATION_SAMPLE_FILES.creditCardTest,
      },
    });
    assert.equal(started.statusCode, 202);
    const { runId } = started.json<{ runId: string }>();
    assert.match(runId, /^segmentation-/);

    const run = await waitForRun(runId);
    assert.equal(run.status, 'completed', JSON.stringify(run.error));
    assert.equal(run.pipeline, 'segmentation');
    const result = run.result as SegmentationResult;
    assert.equal(result.metric, 'bic');
    assert.equal(result.curve.length, 5);
    const knee = findKnee(
      result.curve.map((p) => p.k),
      result.curve.map((p) => p.score),
      { S: 1, curve: 'convex', direction: 'decreasing', online: false },
    ).knee;
    assert.equal(result.optimalK, knee ?? 1, 'the k is Kneedle’s elbow of the curve the API reports');
    assert.equal(result.testPredictions.length, 25);
    modelId = result.modelId;

    const listed = (
      await app.inject({ method: 'GET', url: '/models?pipeline=segmentation', headers: authHeaders() })
    ).json<{
      models: { modelId: string }[];
    }>();
    assert.ok(listed.models.some((m) => m.modelId === modelId));

    const model = await app.inject({ method: 'GET', url: `/models/${modelId}`, headers: authHeaders() });
    assert.equal(model.statusCode, 200);
    assert.equal(model.json<{ algorithm: string }>().algorithm, 'gmm');

    const predicted = await app.inject({
      method: 'POST',
      headers: authHeaders(),
      url: `/models/${modelId}/predict`,
      payload: {
        rows: [
          { BALANCE: 1500, PURCHASES: 300, CREDIT_LIMIT: 4000 },
          { BALANCE: '20', PURCHASES: '5000', CREDIT_LIMIT: '12000' },
        ],
      },
    });
    assert.equal(predicted.statusCode, 200);
    const { predictions } = predicted.json<{ predictions: { cluster: number; probabilities: number[] }[] }>();
    assert.equal(predictions.length, 2);
    for (const p of predictions) {
      assert.equal(p.probabilities.length, result.optimalK);
      assert.equal(p.cluster, p.probabilities.indexOf(Math.max(...p.probabilities)));
    }

    // The same rows as columns: the same answer.
    const fromColumns = await app.inject({
      method: 'POST',
      headers: authHeaders(),
      url: `/models/${modelId}/predict`,
      payload: { columns: { BALANCE: [1500, '20'], PURCHASES: [300, '5000'], CREDIT_LIMIT: [4000, '12000'] } },
    });
    assert.equal(fromColumns.statusCode, 200);
    assert.deepEqual(fromColumns.json(), predicted.json());
  });

  it('rejects bad input with a 400 naming the problem, and starts or writes nothing', async () => {
    const storeBefore = await readdir(stack.config.modelStoreDir).catch(() => []);
    const runsBefore = await readdir(stack.config.runsDir).catch(() => []);
    const workflowsBefore = await listSegmentationWorkflows();
    const base = { dataset: SEGMENTATION_SAMPLE_FILES.customers, features: MALL_FEATURES, algorithm: 'kmeans' };
    const cases: [string, unknown, RegExp][] = [
      // Checked against the files (the pipeline's precheck).
      ['unknown dataset', { ...base, dataset: 'nope.csv' }, /Unknown dataset "nope.csv"/],
      ['dataset outside DATA_DIR', { ...base, dataset: '../etc/passwd.csv' }, /outside the data dir/],
      ['dataset given as a path', { ...base, dataset: '/etc/passwd' }, /not a path/],
      ['unknown test dataset', { ...base, testDataset: 'nope_test.csv' }, /Unknown test dataset "nope_test.csv"/],
      ['missing column', { ...base, features: ['Income'] }, /Column "Income" is missing/],
      [
        'non-numeric column',
        { ...base, dataset: 'bad_types.csv', features: ['score'], kMax: 2 },
        /"score".*not numeric.*row 2.*"abc"/,
      ],
      ['kMin above kMax', { ...base, kMin: 6, kMax: 3 }, /kMin \(6\) is larger than kMax \(3\)/],
      [
        'kMax above the usable rows',
        { ...base, dataset: 'bad_types.csv', features: ['income'], kMax: 5 },
        /kMax \(5\) is larger than the 3 usable rows/,
      ],
      // Checked against the request schema (contract.ts), one case per rule.
      ['no fields at all', {}, /required property 'dataset'/],
      [
        'features missing',
        { dataset: SEGMENTATION_SAMPLE_FILES.customers, algorithm: 'kmeans' },
        /required property 'features'/,
      ],
      ['no features', { ...base, features: [] }, /features must NOT have fewer than 1 item/],
      ['empty feature name', { ...base, features: [''] }, /features\/0 must NOT have fewer than 1 character/],
      [
        'duplicated feature',
        { ...base, features: [...MALL_FEATURES, MALL_FEATURES[0]] },
        /features must NOT have duplicate items/,
      ],
      ['empty dataset name', { ...base, dataset: '' }, /dataset must NOT have fewer than 1 character/],
      ['unknown algorithm', { ...base, algorithm: 'dbscan' }, /algorithm must be equal to one of the allowed values/],
      ['kMin below 1', { ...base, kMin: 0 }, /kMin must be >= 1/],
      ['kMax above MAX_K', { ...base, kMax: MAX_K + 1 }, /kMax must be <= 200/],
      ['fractional kMax', { ...base, kMax: 4.5 }, /kMax must be integer/],
      ['nInit above 100', { ...base, nInit: 101 }, /nInit must be <= 100/],
      ['negative seed', { ...base, seed: -1 }, /seed must be >= 0/],
      ['empty test dataset name', { ...base, testDataset: '' }, /testDataset must NOT have fewer than 1 character/],
      ['unknown property', { ...base, k: 5 }, /must NOT have additional properties/],
    ];
    for (const [name, payload, pattern] of cases) {
      const startsBefore = startedByApi.length;
      const response = await app.inject({
        method: 'POST',
        url: '/runs/segmentation',
        payload: payload as object,
        headers: authHeaders(),
      });
      assert.equal(response.statusCode, 400, `${name}: ${JSON.stringify(payload)} → ${response.body}`);
      assert.match(response.json<{ message: string }>().message, pattern, name);
      assert.deepEqual(startedByApi.slice(startsBefore), [], `${name}: no workflow started`);
    }
    assert.deepEqual(await readdir(stack.config.modelStoreDir).catch(() => []), storeBefore);
    assert.deepEqual(await readdir(stack.config.runsDir).catch(() => []), runsBefore);

    // And on the server: after a good request, the only new segmentation workflow is that request's. (Visibility
    // is eventually consistent: waiting until the later good run is listed gives any earlier start time to show.)
    const good = await app.inject({
      method: 'POST',
      headers: authHeaders(),
      url: '/runs/segmentation',
      payload: { ...base, kMax: 2, nInit: 1 },
    });
    assert.equal(good.statusCode, 202, good.body);
    const { runId } = good.json<{ runId: string }>();
    assert.deepEqual(startedByApi.slice(-1), [runId], 'the spy sees the starts the API makes');
    const workflowsAfter = await waitFor(`run ${runId} to be listed`, async () => {
      const ids = await listSegmentationWorkflows();
      return ids.includes(runId) ? ids : undefined;
    });
    assert.deepEqual(workflowsAfter, [...workflowsBefore, runId].sort());
    assert.equal((await waitForRun(runId)).status, 'completed');
  });

  it('answers 404 for unknown runs and models, and 400 for rows that lack a feature', async () => {
    assert.equal(
      (await app.inject({ method: 'GET', url: '/runs/segmentation-nope', headers: authHeaders() })).statusCode,
      404,
    );
    assert.equal((await app.inject({ method: 'GET', url: '/models/nope', headers: authHeaders() })).statusCode, 404);
    assert.equal(
      (await app.inject({ method: 'GET', url: '/models/..%2Fsecret', headers: authHeaders() })).statusCode,
      404,
    );
    const bad = await app.inject({
      method: 'POST',
      headers: authHeaders(),
      url: `/models/${modelId}/predict`,
      payload: { rows: [{ BALANCE: 1, PURCHASES: 2 }] },
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json<{ message: string }>().message, /Row 0 lacks feature "CREDIT_LIMIT"/);
    for (const [payload, message] of [
      [{ columns: { BALANCE: [1, 2], PURCHASES: [2], CREDIT_LIMIT: [3, 4] } }, /Column "PURCHASES" has 1 values/],
      [{ rows: [{ BALANCE: 1 }], columns: { BALANCE: [1] } }, /exactly one of "rows"/],
      [{}, /exactly one of "rows"/],
      [{ columns: { BALANCE: [] } }, /must NOT have fewer than 1 items/],
    ] as const) {
      const refused = await app.inject({
        method: 'POST',
        headers: authHeaders(),
        url: `/models/${modelId}/predict`,
        payload,
      });
      assert.equal(refused.statusCode, 400, JSON.stringify(payload));
      assert.match(refused.json<{ message: string }>().message, message);
    }
  });

  it('serves the OpenAPI document at /docs', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/docs/json', headers: authHeaders() })).json<{
      paths: Record<string, unknown>;
    }>();
    for (const path of [
      '/runs/segmentation',
      '/runs/{runId}',
      '/models',
      '/models/{modelId}',
      '/models/{modelId}/predict',
    ]) {
      assert.ok(spec.paths[path], `${path} documented`);
    }
  });
});
