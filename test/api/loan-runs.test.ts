import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import type { LoanInferenceResult } from '../../src/pipelines/loan/inference/contract.js';
import type { LoanMonitoringResult } from '../../src/pipelines/loan/monitoring/contract.js';
import type { LoanTrainingResult } from '../../src/pipelines/loan/training/contract.js';
import { writeLoanSampleData } from '../../src/sample-data/loan.js';
import { ensureLoanSchedules } from '../../src/pipelines/loan/schedules.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

interface RunBody {
  status: string;
  pipeline: string;
  result: unknown;
  error: unknown;
}

describe('loan API against a real worker and dev server', () => {
  let stack: TestStack;
  let app: FastifyInstance;

  before(async () => {
    stack = await startTestStack();
    await writeLoanSampleData(join(stack.config.dataDir, 'loan'), { seed: 5, customers: 1200 });
    await writeLoanSampleData(join(stack.config.dataDir, 'loan-incomplete'), { seed: 5, customers: 50 });
    await rm(join(stack.config.dataDir, 'loan-incomplete', 'lms_loan_daily.csv'));
    await stack.startWorker();
    app = await buildApp({ config: stack.config, client: stack.env.client });
  });

  after(async () => {
    await app?.close();
    await stack?.teardown();
  });

  async function start(pipeline: string, payload: object): Promise<string> {
    const response = await app.inject({ method: 'POST', url: `/runs/${pipeline}`, payload });
    assert.equal(response.statusCode, 202, response.body);
    return response.json<{ runId: string }>().runId;
  }

  async function waitForRun(runId: string): Promise<RunBody> {
    for (;;) {
      const body = (await app.inject({ method: 'GET', url: `/runs/${runId}` })).json<RunBody>();
      if (body.status !== 'running') return body;
      await sleep(100);
    }
  }

  async function expect400(url: string, payload: object, pattern: RegExp): Promise<void> {
    const response = await app.inject({ method: 'POST', url, payload });
    assert.equal(response.statusCode, 400, `${url} ${JSON.stringify(payload)} → ${response.body}`);
    assert.match(response.json<{ message: string }>().message, pattern);
  }

  it('rejects bad requests with a 400 that names the problem', async () => {
    await expect400('/runs/loan-inference', { dataset: 'loan' }, /No loan model has been trained on "loan" yet/);
    await expect400('/runs/loan-training', { dataset: 'nope' }, /Unknown dataset "nope"/);
    await expect400('/runs/loan-training', { dataset: '../loan' }, /outside the data dir/);
    await expect400('/runs/loan-training', { dataset: 'loan-incomplete' }, /lacks lms_loan_daily\.csv/);
    await expect400('/runs/loan-training', { split: { kind: 'out-of-time' } }, /cutoffMonth/);
    await expect400('/runs/loan-training', { split: { kind: 'sideways' } }, /kind/);
    await expect400('/runs/loan-monitoring', { snapshotDate: 'June' }, /snapshotDate/);
    await expect400('/runs/loan-monitoring', { thresholds: { minAuc: 2 } }, /minAuc/);
  });

  let championModelId = '';

  it('trains, scores a month and monitors over REST; a degraded model retrains', async () => {
    const training = await waitForRun(
      await start('loan-training', { split: { kind: 'out-of-time', cutoffMonth: '2024-06' } }),
    );
    assert.equal(training.status, 'completed', JSON.stringify(training.error));
    assert.equal(training.pipeline, 'loan-training');
    const trained = training.result as LoanTrainingResult;
    assert.equal(trained.models.length, 3);
    for (const m of trained.models) {
      for (const key of ['trainAuc', 'testAuc', 'precision', 'recall', 'f1', 'fitSeconds'] as const) {
        assert.equal(typeof m[key], 'number');
      }
    }
    championModelId = trained.championModelId;

    const inference = await waitForRun(await start('loan-inference', { snapshotDate: '2024-08-01' }));
    assert.equal(inference.status, 'completed', JSON.stringify(inference.error));
    const inferred = inference.result as LoanInferenceResult;
    assert.equal(inferred.snapshotDate, '2024-08-01');
    assert.ok(inferred.rows > 0);
    assert.match(inferred.predictionsPath, /predictions\/2024-08\/.*\.parquet$/);

    const monitoring = await waitForRun(
      await start('loan-monitoring', { snapshotDate: '2024-10', thresholds: { minRecall: 0.999 } }),
    );
    assert.equal(monitoring.status, 'completed', JSON.stringify(monitoring.error));
    const monitored = monitoring.result as LoanMonitoringResult;
    assert.equal(monitored.decision, 'degraded');
    assert.ok(monitored.reasons.some((r) => r.startsWith('recall')));
    assert.ok(monitored.retrainRunId);
    const retrain = await waitForRun(monitored.retrainRunId);
    assert.equal(retrain.status, 'completed');
    assert.equal(retrain.pipeline, 'loan-training');

    const models = (await app.inject({ method: 'GET', url: '/models?pipeline=loan' })).json<{
      models: { modelId: string }[];
    }>();
    assert.equal(models.models.length, 2, 'the first champion and the retrained one');
    assert.ok(models.models.some((m) => m.modelId === championModelId));
  });

  it('scores raw applicant rows with the stored encoders', async () => {
    const applicant = {
      Age: '41_',
      Annual_Income: '52312.68_',
      Monthly_Inhand_Salary: 4100,
      Interest_Rate: 18,
      Num_Credit_Card: 7,
      Outstanding_Debt: '2200.5',
      Credit_Mix: 'Bad',
      Occupation: 'Engineer',
    };
    const response = await app.inject({
      method: 'POST',
      url: `/models/${championModelId}/predict`,
      payload: { rows: [applicant, { ...applicant, Credit_Mix: 'Good', Interest_Rate: 3, Num_Credit_Card: 2 }] },
    });
    assert.equal(response.statusCode, 200, response.body);
    const { predictions } = response.json<{
      predictions: { prediction: number; probability: number; missingFeatures: string[] }[];
    }>();
    assert.equal(predictions.length, 2);
    for (const p of predictions) {
      assert.ok(p.probability >= 0 && p.probability <= 1);
      assert.ok(p.prediction === 0 || p.prediction === 1);
      assert.ok(p.missingFeatures.includes('fe_10_mean'));
      assert.ok(!p.missingFeatures.includes('Age'));
    }
    assert.ok(predictions[0].probability > predictions[1].probability, 'a riskier applicant scores higher');

    const bad = await app.inject({
      method: 'POST',
      url: `/models/${championModelId}/predict`,
      payload: { rows: [{ Age: 'forty' }] },
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json<{ message: string }>().message, /Row 0 has a non-numeric "Age"/);
    const empty = await app.inject({
      method: 'POST',
      url: `/models/${championModelId}/predict`,
      payload: { rows: [{ colour: 'red' }] },
    });
    assert.equal(empty.statusCode, 400);
  });

  it('lists the schedules, and a backfill runs each scheduled time for its own month', async () => {
    await ensureLoanSchedules(stack.env.client, stack.config);
    const { schedules } = (await app.inject({ method: 'GET', url: '/schedules' })).json<{
      schedules: {
        id: string;
        spec: { calendars: { hour: unknown }[]; timezone: string };
        overlap: string;
        paused: boolean;
        nextRunTimes: string[];
      }[];
    }>();
    assert.deepEqual(
      schedules.map((s) => s.id),
      ['loan-training-daily', 'loan-inference-daily', 'loan-monitoring-daily'],
    );
    for (const s of schedules) {
      assert.equal(s.overlap, 'SKIP');
      assert.equal(s.paused, false);
      assert.ok(s.nextRunTimes.length >= 1);
    }
    assert.equal(new Date(schedules[1].nextRunTimes[0]).getUTCHours(), 6);

    const backfill = await app.inject({
      method: 'POST',
      url: '/schedules/loan-inference-daily/backfill',
      payload: { start: '2024-03-01T00:00:00Z', end: '2024-03-02T23:00:00Z' },
    });
    assert.equal(backfill.statusCode, 202, backfill.body);
    const results: LoanInferenceResult[] = [];
    for (let attempt = 0; attempt < 300 && results.length < 2; attempt++) {
      results.length = 0;
      for await (const execution of stack.env.client.workflow.list({
        query: `TemporalScheduledById = 'loan-inference-daily'`,
      })) {
        if (execution.status.name === 'COMPLETED') {
          results.push(
            (await stack.env.client.workflow.getHandle(execution.workflowId).result()) as LoanInferenceResult,
          );
        }
      }
      if (results.length < 2) await sleep(200);
    }
    assert.equal(results.length, 2, 'one run per scheduled time in the window');
    for (const r of results) assert.equal(r.snapshotDate, '2024-03-01', 'the month of the nominal time, not of today');

    const unknown = await app.inject({
      method: 'POST',
      url: '/schedules/nope/backfill',
      payload: { start: '2024-01-01T00:00:00Z', end: '2024-01-02T00:00:00Z' },
    });
    assert.equal(unknown.statusCode, 404);
  });
});
