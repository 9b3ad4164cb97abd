/**
 * The champion routes over HTTP against a real worker and dev server: a champion moved and moved back with
 * reasons, the history naming the API key by fingerprint and the request, predict following the champion,
 * a training run's automatic promotion in the same history, and the 400, 401, 404 and 409 answers.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { apiKeyFingerprint } from '../../src/api/api-keys.js';
import { buildApp } from '../../src/api/app.js';
import { championRegistryId } from '../../src/pipelines/champions/config.js';
import type { ChampionHistoryBody, ChampionStateBody } from '../../src/pipelines/champions/contract.js';
import type { LoanTrainingResult } from '../../src/pipelines/loan/training/contract.js';
import type { SegmentationResult } from '../../src/pipelines/segmentation/contract.js';
import { writeLoanSampleData } from '../../src/sample-data/loan.js';
import { SEGMENTATION_SAMPLE_FILES, writeSegmentationSampleData } from '../../src/sample-data/segmentation.js';
import { authHeaders, runClosedOverApi, startRunOverApi } from '../support/api.js';
import { startTestStack, TEST_API_KEY, type TestStack } from '../support/test-stack.js';

const MALL = SEGMENTATION_SAMPLE_FILES.customers;
const MALL_TEST = SEGMENTATION_SAMPLE_FILES.customersTest;
const MALL_FEATURES = ['Annual Income (k$)', 'Spending Score (1-100)'];
const MALL_ROWS = [
  { 'Annual Income (k$)': 15, 'Spending Score (1-100)': 80 },
  { 'Annual Income (k$)': 120, 'Spending Score (1-100)': 10 },
];
const LOAN_DATASET = 'loan-champions';

interface RunBody {
  status: string;
  result: unknown;
  error: unknown;
}

describe('champion routes against a real worker and dev server', () => {
  let stack: TestStack;
  let app: FastifyInstance;

  before(async () => {
    stack = await startTestStack();
    await writeSegmentationSampleData(stack.config.dataDir);
    await writeLoanSampleData(join(stack.config.dataDir, LOAN_DATASET), { seed: 7, customers: 500 });
    await stack.startWorker();
    app = await buildApp({ config: stack.config, client: stack.env.client });
  });

  after(async () => {
    await app?.close();
    await stack?.teardown();
  });

  async function completed<T>(pipeline: string, payload: object): Promise<T> {
    const runId = await startRunOverApi(app, pipeline, payload);
    const run = await runClosedOverApi<RunBody>(app, runId);
    assert.equal(run.status, 'completed', `${runId}: ${JSON.stringify(run.error)}`);
    return run.result as T;
  }

  /** A K-Means model of a segmentation CSV (k range and seed make each model different). */
  const kmeansModel = async (dataset: string, kMax: number, seed: number) =>
    (
      await completed<SegmentationResult>('segmentation', {
        dataset,
        features: MALL_FEATURES,
        algorithm: 'kmeans',
        kMin: 1,
        kMax,
        nInit: 2,
        seed,
      })
    ).modelId;

  const call = (method: 'GET' | 'PUT' | 'POST', url: string, payload?: object, headers = authHeaders()) =>
    app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

  async function ok<T>(method: 'GET' | 'PUT' | 'POST', url: string, payload?: object): Promise<T> {
    const response = await call(method, url, payload);
    assert.equal(response.statusCode, 200, `${method} ${url}: ${response.body}`);
    return response.json<T>();
  }

  async function refused(method: 'GET' | 'PUT' | 'POST', url: string, payload: object | undefined, status: number) {
    const response = await call(method, url, payload);
    assert.equal(response.statusCode, status, `${method} ${url} ${JSON.stringify(payload)}: ${response.body}`);
    const body = response.json<{ error: string; message: string }>();
    assert.equal(typeof body.message, 'string');
    return body.message;
  }

  const predictWith = (url: string) =>
    ok<{ modelId: string; predictions: unknown[] }>('POST', url, { rows: MALL_ROWS });

  it('moves the champion and moves it back with reasons; the history names the key and the request', async () => {
    const base = `/champions/segmentation/${MALL}`;
    const [first, second] = [await kmeansModel(MALL, 4, 1), await kmeansModel(MALL, 8, 2)];
    await refused('GET', base, undefined, 404);
    await refused('POST', `${base}/predict`, { rows: MALL_ROWS }, 404);

    const promoted = await ok<ChampionStateBody>('PUT', base, { modelId: first, reason: 'baseline segments' });
    assert.equal(promoted.modelId, first);
    assert.equal(promoted.previousModelId, null);
    const replaced = await ok<ChampionStateBody>('PUT', base, { modelId: second, reason: 'finer segments' });
    assert.deepEqual([replaced.modelId, replaced.previousModelId], [second, first]);
    assert.deepEqual(await ok('GET', base), replaced);

    // Predict follows the champion: the same answer as the model's own predict route.
    assert.deepEqual(await predictWith(`${base}/predict`), await predictWith(`/models/${second}/predict`));

    const rolledBack = await ok<ChampionStateBody>('POST', `${base}/rollback`, { reason: 'marketing wants 4' });
    assert.deepEqual([rolledBack.modelId, rolledBack.previousModelId], [first, null]);
    const afterRollback = await predictWith(`${base}/predict`);
    assert.equal(afterRollback.modelId, first);
    assert.deepEqual(afterRollback, await predictWith(`/models/${first}/predict`));

    const history = await ok<ChampionHistoryBody>('GET', `${base}/history`);
    const key = apiKeyFingerprint(TEST_API_KEY);
    assert.deepEqual(
      history.changes.map(({ action, from, to, reason, actor }) => ({ action, from, to, reason, actor })),
      [
        { action: 'promote', from: null, to: first, reason: 'baseline segments', actor: key },
        { action: 'promote', from: first, to: second, reason: 'finer segments', actor: key },
        { action: 'rollback', from: second, to: first, reason: 'marketing wants 4', actor: key },
      ],
    );
    assert.deepEqual(
      history.changes.map((c) => c.source),
      [promoted, replaced, rolledBack].map((state) => state.lastChange.source),
    );
    for (const change of history.changes) assert.equal(change.source.kind, 'api');
    assert.equal(new Set(history.changes.map((c) => c.source.id)).size, 3, 'one request id per change');
    assert.ok(!JSON.stringify(history).includes(TEST_API_KEY), 'never the key itself');

    const message = await refused('POST', `${base}/rollback`, { reason: 'again' }, 409);
    assert.match(message, /no previous champion/);
  });

  it("answers 400 for another dataset's or pipeline's model, an unknown model or a bad body, starting nothing", async () => {
    const own = await kmeansModel(MALL, 3, 3);
    const otherDataset = await kmeansModel(MALL_TEST, 3, 3);
    const fresh = `/champions/segmentation/${MALL_TEST}`;
    const cases: [string, object, RegExp][] = [
      [
        `/champions/segmentation/${MALL}`,
        { modelId: otherDataset, reason: 'x' },
        /trained on "mall_customers_test.csv"/,
      ],
      [`/champions/loan/${MALL}`, { modelId: own, reason: 'x' }, /is a segmentation model, not a loan model/],
      [fresh, { modelId: 'segmentation-never-trained', reason: 'x' }, /not in the model store/],
      [fresh, { modelId: '../../etc/passwd', reason: 'x' }, /not in the model store/],
      [fresh, { modelId: own }, /reason/],
      [fresh, { modelId: own, reason: '' }, /reason/],
      [fresh, { modelId: own, reason: 'x', extra: 1 }, /extra/],
      [`/champions/tabular/${MALL}`, { modelId: own, reason: 'x' }, /pipeline/],
      ['/champions/segmentation/bad%20name', { modelId: own, reason: 'x' }, /dataset/],
    ];
    for (const [url, payload, pattern] of cases) assert.match(await refused('PUT', url, payload, 400), pattern);

    // None of them created a registry.
    for (const [pipeline, dataset] of [
      ['segmentation', MALL_TEST],
      ['loan', MALL],
    ]) {
      await assert.rejects(
        stack.env.client.workflow.getHandle(championRegistryId(pipeline, dataset)).describe(),
        WorkflowNotFoundError,
      );
    }
    await refused('GET', `${fresh}/history`, undefined, 404);
    await refused('POST', `${fresh}/rollback`, { reason: 'nothing there' }, 409);
  });

  it('answers 401 on every champion route without a valid key', async () => {
    const base = `/champions/segmentation/${MALL}`;
    const routes: ['GET' | 'PUT' | 'POST', string, object?][] = [
      ['GET', base],
      ['PUT', base, { modelId: 'x', reason: 'x' }],
      ['POST', `${base}/rollback`, { reason: 'x' }],
      ['GET', `${base}/history`],
      ['POST', `${base}/predict`, { rows: MALL_ROWS }],
    ];
    for (const [method, url, payload] of routes) {
      for (const headers of [{}, authHeaders('not-the-key')]) {
        const response = await call(method, url, payload, headers as ReturnType<typeof authHeaders>);
        assert.equal(response.statusCode, 401, `${method} ${url}: ${response.body}`);
      }
    }
  });

  it("records a training run's automatic promotion, and predicts with the loan champion", async () => {
    const trained = await completed<LoanTrainingResult>('loan-training', { dataset: LOAN_DATASET });
    const base = `/champions/loan/${LOAN_DATASET}`;
    const champion = await ok<ChampionStateBody>('GET', base);
    assert.equal(champion.modelId, trained.championModelId);
    assert.equal(champion.lastChange.action, 'promote');
    assert.equal(champion.lastChange.source.kind, 'training-run');
    assert.match(champion.lastChange.actor, /^training run loan-training-/);
    assert.equal(champion.lastChange.reason, 'requested');

    const row = { Age: 35, Annual_Income: 50000, Num_of_Loan: 2, Interest_Rate: 12, Outstanding_Debt: 1200 };
    const predicted = await ok<{ modelId: string }>('POST', `${base}/predict`, { rows: [row] });
    assert.equal(predicted.modelId, trained.championModelId);

    // A batch over Fastify's 1 MiB default body limit, as POST /models/:modelId/predict takes it.
    const wide = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`unused_column_${i}`, 'x'.repeat(8)]));
    const rows = Array.from({ length: 2000 }, (_, i) => ({ ...row, Age: 20 + (i % 50), ...wide }));
    assert.ok(JSON.stringify({ rows }).length > 1024 * 1024);
    const batch = await ok<{ predictions: unknown[] }>('POST', `${base}/predict`, { rows });
    assert.equal(batch.predictions.length, rows.length);
  });
});
