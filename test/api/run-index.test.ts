import { defaultPayloadConverter } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { describeSegmentationRun, type SegmentationInput } from '../../src/pipelines/segmentation/contract.js';
import { segmentationWorkflow } from '../../src/pipelines/segmentation/workflows.js';
import { ensureLoanSchedules } from '../../src/pipelines/loan/schedules.js';
import { writeLoanSampleData } from '../../src/sample-data/loan.js';
import { SEGMENTATION_SAMPLE_FILES, writeSegmentationSampleData } from '../../src/sample-data/segmentation.js';
import {
  ML_DATASET,
  ML_DECISION,
  ML_MODEL_ID,
  ML_PIPELINE,
  ML_SEARCH_ATTRIBUTES,
  ML_TEST_AUC,
  runStartMetadata,
} from '../../src/temporal/search-attributes.js';
import { ensureTemporalCli } from '../../src/temporal/cli.js';
import { ensureSearchAttributes } from '../../src/temporal/search-attribute-registration.js';
import { authHeaders } from '../support/api.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/wait.js';

const MALL_FEATURES = ['Annual Income (k$)', 'Spending Score (1-100)'];

type Item = Record<'runId' | 'pipeline' | 'status' | 'startTime', string> &
  Record<'closeTime' | 'summary' | 'dataset' | 'modelId' | 'decision', string | null> & {
    temporalUiUrl?: string;
    testAuc: number | null;
    searchAttributes: Record<string, unknown>;
  };
type Page = { runs: Item[]; nextPageToken: string | null };

describe('the run index (GET /runs) and run metadata, on a real worker and dev server', () => {
  let stack: TestStack;
  let app: FastifyInstance;
  const ids = { kmeans: '', gmm: '', failed: '', training: '', degraded: '', ok: '' };
  let championModelId = '';

  const list = async (query: string): Promise<Page> => {
    const response = await app.inject({ method: 'GET', url: `/runs?${query}`, headers: authHeaders() });
    assert.equal(response.statusCode, 200, response.body);
    return response.json<Page>();
  };
  const start = async (pipeline: string, payload: object): Promise<string> => {
    const response = await app.inject({ method: 'POST', url: `/runs/${pipeline}`, payload, headers: authHeaders() });
    assert.equal(response.statusCode, 202, response.body);
    return response.json<{ runId: string }>().runId;
  };
  const finished = (runId: string) =>
    waitFor(`run ${runId} to close`, async () => {
      const body = (await app.inject({ method: 'GET', url: `/runs/${runId}`, headers: authHeaders() })).json<{
        status: string;
        result: { championModelId?: string };
      }>();
      return body.status === 'running' ? undefined : body;
    });
  /** Visibility is eventually consistent: wait until the query lists exactly the expected runs of this file. */
  const listedIds = async (query: string, expected: string[]): Promise<string[]> => {
    const ours = new Set(Object.values(ids));
    return waitFor(`GET /runs?${query} to list ${expected.join(', ')}`, async () => {
      const found = (await list(`${query}&pageSize=100`)).runs.map((r) => r.runId).filter((id) => ours.has(id));
      return [...found].sort().join() === [...expected].sort().join() ? found : undefined;
    });
  };

  before(async () => {
    stack = await startTestStack();
    await writeSegmentationSampleData(stack.config.dataDir);
    await writeLoanSampleData(join(stack.config.dataDir, 'loan'), { seed: 5, customers: 600 });
    await stack.startWorker();
    app = await buildApp({ config: stack.config, client: stack.env.client });

    ids.kmeans = await start('segmentation', {
      dataset: SEGMENTATION_SAMPLE_FILES.customers,
      features: MALL_FEATURES,
      algorithm: 'kmeans',
      kMax: 4,
    });
    await finished(ids.kmeans);
    ids.gmm = await start('segmentation', {
      dataset: SEGMENTATION_SAMPLE_FILES.creditCard,
      features: ['BALANCE', 'PURCHASES'],
      algorithm: 'gmm',
      kMax: 3,
      nInit: 1,
    });
    await finished(ids.gmm);
    // A run that fails inside the workflow (the API would have refused it), started as the API starts runs.
    const missing: SegmentationInput = { dataset: 'missing.csv', features: ['x'], algorithm: 'kmeans' };
    ids.failed = 'segmentation-missing-file';
    await stack.env.client.workflow
      .execute(segmentationWorkflow, {
        workflowId: ids.failed,
        taskQueue: stack.config.taskQueue,
        args: [missing],
        ...runStartMetadata('segmentation', describeSegmentationRun(missing)),
      })
      .catch(() => undefined);
    ids.training = await start('loan-training', {});
    championModelId = (await finished(ids.training)).result.championModelId ?? '';
    ids.degraded = await start('loan-monitoring', { thresholds: { minAuc: 0.999 }, retrainOnDegradation: false });
    ids.ok = await start('loan-monitoring', {
      thresholds: { minAuc: 0, maxPsi: 1000, minPrecision: 0, minRecall: 0 },
    });
    await finished(ids.degraded);
    await finished(ids.ok);
  });

  after(async () => {
    await app?.close();
    await stack?.teardown();
  });

  it('filters by pipeline, status, dataset, model id and decision', async () => {
    await listedIds('pipeline=segmentation', [ids.kmeans, ids.gmm, ids.failed]);
    await listedIds('pipeline=loan-monitoring', [ids.degraded, ids.ok]);
    await listedIds('status=failed', [ids.failed]);
    await listedIds('status=completed&pipeline=segmentation', [ids.kmeans, ids.gmm]);
    await listedIds(`dataset=${SEGMENTATION_SAMPLE_FILES.customers}`, [ids.kmeans]);
    await listedIds('dataset=loan', [ids.training, ids.degraded, ids.ok]);
    await listedIds(`modelId=${championModelId}`, [ids.training, ids.degraded, ids.ok]);
    await listedIds('decision=degraded', [ids.degraded]);
    await listedIds('decision=ok', [ids.ok]);
    await listedIds(`since=${new Date(Date.now() + 3_600_000).toISOString()}`, []);
  });

  it('lists each run with its status, times, summary, UI link and search attributes', async () => {
    await listedIds(`modelId=${championModelId}`, [ids.training, ids.degraded, ids.ok]);
    const runs = (await list('pageSize=100')).runs;
    const training = runs.find((r) => r.runId === ids.training);
    assert.ok(training);
    assert.equal(training.pipeline, 'loan-training');
    assert.equal(training.status, 'completed');
    assert.ok(training.closeTime && training.closeTime >= training.startTime);
    assert.equal(training.summary, 'loan training · loan · random 20% test, seed 42');
    // The test stack has no UI (TEMPORAL_ADDRESS is set, TEMPORAL_UI_URL is not); with one, every item links to it.
    assert.equal(training.temporalUiUrl, undefined);
    const withUi = await buildApp({
      config: { ...stack.config, temporalUiUrl: 'http://ui.test' },
      client: stack.env.client,
    });
    try {
      const linked = (
        await withUi.inject({ method: 'GET', url: '/runs?pipeline=loan-training', headers: authHeaders() })
      ).json<Page>();
      assert.equal(
        linked.runs.find((r) => r.runId === ids.training)?.temporalUiUrl,
        `http://ui.test/namespaces/${stack.config.namespace}/workflows/${ids.training}`,
      );
    } finally {
      await withUi.close();
    }
    assert.equal(training.modelId, championModelId);
    assert.ok(training.testAuc !== null && training.testAuc > 0.5 && training.testAuc <= 1);
    assert.deepEqual(training.searchAttributes, {
      MlPipeline: 'loan-training',
      MlDataset: 'loan',
      MlModelId: championModelId,
      MlTestAuc: training.testAuc,
    });
    const degraded = runs.find((r) => r.runId === ids.degraded);
    assert.equal(degraded?.decision, 'degraded');
    assert.equal(runs.find((r) => r.runId === ids.failed)?.status, 'failed');
  });

  it('lists newest first and pages with a token through every run exactly once', async () => {
    await listedIds('decision=ok', [ids.ok]);
    const all = (await list('pageSize=100')).runs;
    const starts = all.map((r) => r.startTime);
    assert.deepEqual(starts, [...starts].sort().reverse(), 'newest first');
    assert.equal(all[0].runId, ids.ok, 'the last run started comes first');

    const paged: string[] = [];
    let token: string | null = null;
    do {
      const page: Page = await list(`pageSize=2${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`);
      assert.ok(page.runs.length <= 2);
      paged.push(...page.runs.map((r) => r.runId));
      token = page.nextPageToken;
    } while (token);
    assert.deepEqual(
      paged,
      all.map((r) => r.runId),
    );
  });

  it('answers 400 for bad filters', async () => {
    for (const query of [
      'status=exploded',
      'pipeline=nope',
      'decision=maybe',
      'since=yesterday',
      'pageSize=0',
      'pageSize=1000',
      'pageToken=not-a-token',
      'colour=red',
    ]) {
      const response = await app.inject({ method: 'GET', url: `/runs?${query}`, headers: authHeaders() });
      assert.equal(response.statusCode, 400, `${query}: ${response.body}`);
      assert.ok(response.json<{ message: string }>().message, query);
    }
  });

  it('a run carries its summary, details, memo and typed search attributes (describe)', async () => {
    const description = await stack.env.client.workflow.getHandle(ids.kmeans).describe();
    assert.equal(await description.staticSummary(), `K-Means k=1..4 · ${SEGMENTATION_SAMPLE_FILES.customers}`);
    assert.match((await description.staticDetails()) ?? '', /kMax: `4`/);
    assert.equal(description.typedSearchAttributes.get(ML_PIPELINE), 'segmentation');
    assert.equal(description.typedSearchAttributes.get(ML_DATASET), SEGMENTATION_SAMPLE_FILES.customers);
    assert.match(description.typedSearchAttributes.get(ML_MODEL_ID) ?? '', /^segmentation-kmeans-/);
    const memo = description.memo as { summary: string; result: { optimalK: number } };
    assert.equal(memo.summary, await description.staticSummary());
    assert.ok(memo.result.optimalK >= 1);

    // Each activity says what it works on; the run's current details say where it is (here: done).
    const handle = stack.env.client.workflow.getHandle(ids.kmeans);
    const history = await handle.fetchHistory();
    const activitySummaries = (history.events ?? [])
      .filter((event) => event.activityTaskScheduledEventAttributes)
      .map((event) => defaultPayloadConverter.fromPayload<string>(event.userMetadata!.summary!));
    const file = SEGMENTATION_SAMPLE_FILES.customers;
    const expected = [
      `load and scale Annual Income (k$), Spending Score (1-100) of ${file}`,
      // The sweep's chunks each name their k range; together they cover k=1..4.
      new RegExp(`^K-Means k=1(\\.\\.\\d)? on ${file.replace('.', '\\.')}$`),
      new RegExp(`^K-Means k=(\\d\\.\\.)?4 on ${file.replace('.', '\\.')}$`),
      /^elbow of K-Means k=1\.\.4 → segmentation-kmeans-/,
    ];
    for (const summary of expected) {
      const found = activitySummaries.some((s) => (typeof summary === 'string' ? s === summary : summary.test(s)));
      assert.ok(found, `${String(summary)} in ${activitySummaries.join(' | ')}`);
    }
    const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    assert.match(metadata.currentDetails ?? '', /^Done: k=\d+( \(no elbow\))?, model `segmentation-kmeans-/);

    const monitoring = await stack.env.client.workflow.getHandle(ids.degraded).describe();
    assert.equal(monitoring.typedSearchAttributes.get(ML_DECISION), 'degraded');
    assert.equal(monitoring.typedSearchAttributes.get(ML_MODEL_ID), championModelId);
    const training = await stack.env.client.workflow.getHandle(ids.training).describe();
    assert.ok((training.typedSearchAttributes.get(ML_TEST_AUC) ?? 0) > 0.5);
  });

  it("the governance gate's retraining child starts with its own summary and search attributes", async () => {
    const parent = await start('loan-monitoring', { thresholds: { minAuc: 0.999 } });
    const { result } = (await finished(parent)) as unknown as { result: { retrainRunId: string } };
    const child = stack.env.client.workflow.getHandle(result.retrainRunId);
    const description = await child.describe();
    assert.match((await description.staticSummary()) ?? '', /^loan training · loan · .* · retraining \(degraded\)$/);
    assert.match((await description.staticDetails()) ?? '', /reason: `degraded: auc /);
    assert.equal(description.typedSearchAttributes.get(ML_PIPELINE), 'loan-training');
    assert.equal(description.typedSearchAttributes.get(ML_DATASET), 'loan');
    await finished(result.retrainRunId);
  });

  it('a scheduled run starts with its summary and search attributes', async () => {
    await ensureLoanSchedules(stack.env.client, stack.config, 'loan');
    await stack.env.client.schedule.getHandle('loan-inference-daily').trigger();
    const run = await waitFor('the triggered inference run in the index', async () =>
      (await list('pipeline=loan-inference&pageSize=100')).runs.find((r) =>
        r.runId.startsWith('loan-inference-scheduled'),
      ),
    );
    assert.equal(run.summary, 'loan inference · loan · month of the scheduled time · champion · scheduled');
    assert.equal(run.dataset, 'loan');
    const { result } = (await finished(run.runId)) as unknown as { result: { modelId: string } };
    const description = await stack.env.client.workflow.getHandle(run.runId).describe();
    assert.equal(description.typedSearchAttributes.get(ML_PIPELINE), 'loan-inference');
    assert.equal(description.typedSearchAttributes.get(ML_MODEL_ID), result.modelId, 'upserted: the model it used');
  });
});

describe('search attribute registration on a server started without them', () => {
  it('adds the five attributes once, then finds them there', async () => {
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: await ensureTemporalCli() },
        extraArgs: ['--log-level', 'error'],
      },
    });
    try {
      const names = ML_SEARCH_ATTRIBUTES.map((key) => key.name);
      assert.deepEqual(await ensureSearchAttributes(env.connection, env.namespace ?? 'default'), names);
      assert.deepEqual(await ensureSearchAttributes(env.connection, env.namespace ?? 'default'), [], 'idempotent');
      const { customAttributes } = await env.connection.operatorService.listSearchAttributes({
        namespace: env.namespace ?? 'default',
      });
      for (const name of names) assert.ok(customAttributes?.[name], name);
    } finally {
      await env.teardown();
    }
  });
});
