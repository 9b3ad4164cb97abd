import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { SEGMENTATION_SAMPLE_FILES, writeSegmentationSampleData } from '../../src/sample-data/segmentation.js';
import type { SegmentationResult } from '../../src/pipelines/segmentation/contract.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

const MALL_FEATURES = ['Annual Income (k$)', 'Spending Score (1-100)'];

describe('segmentation API against a real worker and dev server', () => {
  let stack: TestStack;
  let app: FastifyInstance;

  before(async () => {
    stack = await startTestStack();
    await writeSegmentationSampleData(stack.config.dataDir);
    await writeFile(`${stack.config.dataDir}/bad_types.csv`, 'id,income,score\n1,10,5\n2,20,abc\n3,30,7\n');
    await stack.startWorker();
    app = await buildApp({ config: stack.config, client: stack.env.client });
  });

  after(async () => {
    await app?.close();
    await stack?.teardown();
  });

  async function waitForRun(
    runId: string,
  ): Promise<{ status: string; result: unknown; error: unknown; pipeline: string }> {
    for (;;) {
      const response = await app.inject({ method: 'GET', url: `/runs/${runId}` });
      assert.equal(response.statusCode, 200);
      const body = response.json<{ status: string; result: unknown; error: unknown; pipeline: string }>();
      if (body.status !== 'running') return body;
      await sleep(100);
    }
  }

  let modelId = '';

  it('starts a GMM run (202), reports it, lists and serves its model, and predicts with it', async () => {
    const started = await app.inject({
      method: 'POST',
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
    assert.equal(result.testPredictions.length, 25);
    modelId = result.modelId;

    const listed = (await app.inject({ method: 'GET', url: '/models?pipeline=segmentation' })).json<{
      models: { modelId: string }[];
    }>();
    assert.ok(listed.models.some((m) => m.modelId === modelId));

    const model = await app.inject({ method: 'GET', url: `/models/${modelId}` });
    assert.equal(model.statusCode, 200);
    assert.equal(model.json<{ algorithm: string }>().algorithm, 'gmm');

    const predicted = await app.inject({
      method: 'POST',
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
  });

  it('rejects bad input with a 4xx naming the problem, and starts or writes nothing', async () => {
    const storeBefore = await readdir(stack.config.modelStoreDir).catch(() => []);
    const runsBefore = await readdir(stack.config.runsDir).catch(() => []);
    const base = { dataset: SEGMENTATION_SAMPLE_FILES.customers, features: MALL_FEATURES, algorithm: 'kmeans' };
    const cases: [object, RegExp][] = [
      [{ ...base, dataset: 'nope.csv' }, /Unknown dataset "nope.csv"/],
      [{ ...base, dataset: '../etc/passwd.csv' }, /outside the data dir/],
      [{ ...base, dataset: '/etc/passwd' }, /not a path/],
      [{ ...base, features: ['Income'] }, /Column "Income" is missing/],
      [{ ...base, dataset: 'bad_types.csv', features: ['score'], kMax: 2 }, /"score".*not numeric.*row 2.*"abc"/],
      [{ ...base, kMin: 6, kMax: 3 }, /kMin \(6\) is larger than kMax \(3\)/],
      [
        { ...base, dataset: 'bad_types.csv', features: ['income'], kMax: 5 },
        /kMax \(5\) is larger than the 3 usable rows/,
      ],
      [{ ...base, algorithm: 'dbscan' }, /algorithm/],
      [{ ...base, features: [] }, /features/],
      [{ dataset: SEGMENTATION_SAMPLE_FILES.customers }, /features/],
    ];
    for (const [payload, pattern] of cases) {
      const response = await app.inject({ method: 'POST', url: '/runs/segmentation', payload });
      assert.equal(response.statusCode, 400, `${JSON.stringify(payload)} → ${response.body}`);
      assert.match(response.json<{ message: string }>().message, pattern);
    }
    assert.deepEqual(await readdir(stack.config.modelStoreDir).catch(() => []), storeBefore);
    assert.deepEqual(await readdir(stack.config.runsDir).catch(() => []), runsBefore);
  });

  it('answers 404 for unknown runs and models, and 400 for rows that lack a feature', async () => {
    assert.equal((await app.inject({ method: 'GET', url: '/runs/segmentation-nope' })).statusCode, 404);
    assert.equal((await app.inject({ method: 'GET', url: '/models/nope' })).statusCode, 404);
    assert.equal((await app.inject({ method: 'GET', url: '/models/..%2Fsecret' })).statusCode, 404);
    const bad = await app.inject({
      method: 'POST',
      url: `/models/${modelId}/predict`,
      payload: { rows: [{ BALANCE: 1, PURCHASES: 2 }] },
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json<{ message: string }>().message, /Row 0 lacks feature "CREDIT_LIMIT"/);
  });

  it('serves the OpenAPI document at /docs', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json<{ paths: Record<string, unknown> }>();
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
