import { ScheduleNotFoundError } from '@temporalio/client';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import type { LoanInferenceResult } from '../../src/pipelines/loan/inference/contract.js';
import type { loanInferenceWorkflow } from '../../src/pipelines/loan/inference/workflows.js';
import type { LoanMonitoringResult } from '../../src/pipelines/loan/monitoring/contract.js';
import type { LoanTrainingResult } from '../../src/pipelines/loan/training/contract.js';
import { writeLoanSampleData } from '../../src/sample-data/loan.js';
import { ensureLoanSchedules, LOAN_SCHEDULES } from '../../src/pipelines/loan/schedules.js';
import { authHeaders, runClosedOverApi, startRunOverApi } from '../support/api.js';
import { scheduledRuns } from '../support/schedules.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { waitFor, withDeadline } from '../support/wait.js';

/** The nominal time of a scheduled (or backfilled) run, a system search attribute. */

interface RunBody {
  status: string;
  pipeline: string;
  result: unknown;
  error: unknown;
}

/**
 * Each case works on its own dataset (its own champion), so none depends on what another left behind:
 * `main` is trained, scored, monitored and retrained; `untrained` never has a model; `scheduled` is what the
 * daily schedules (and their live triggers) run on.
 */
const DATASETS = { main: 'loan', untrained: 'loan-untrained', incomplete: 'loan-incomplete', scheduled: 'loan-sched' };

describe('loan API against a real worker and dev server', () => {
  let stack: TestStack;
  let app: FastifyInstance;

  before(async () => {
    stack = await startTestStack();
    const { dataDir } = stack.config;
    await writeLoanSampleData(join(dataDir, DATASETS.main), { seed: 5, customers: 1200 });
    await writeLoanSampleData(join(dataDir, DATASETS.untrained), { seed: 5, customers: 50 });
    await writeLoanSampleData(join(dataDir, DATASETS.incomplete), { seed: 5, customers: 50 });
    await rm(join(dataDir, DATASETS.incomplete, 'lms_loan_daily.csv'));
    await writeLoanSampleData(join(dataDir, DATASETS.scheduled), { seed: 5, customers: 600 });
    await stack.startWorker();
    app = await buildApp({ config: stack.config, client: stack.env.client });
  });

  after(async () => {
    await app?.close();
    await stack?.teardown();
  });

  async function completed<T>(runId: string): Promise<T> {
    const run = await waitForRun(runId);
    assert.equal(run.status, 'completed', `${runId}: ${JSON.stringify(run.error)}`);
    return run.result as T;
  }

  /** One training run per dataset over REST, shared by the cases that need its champion. */
  const start = (pipeline: string, payload: object) => startRunOverApi(app, pipeline, payload);
  const waitForRun = (runId: string) => runClosedOverApi<RunBody>(app, runId);

  const trainings = new Map<string, Promise<{ runId: string; run: RunBody }>>();
  function trainedOverRest(dataset: string): Promise<{ runId: string; run: RunBody }> {
    if (!trainings.has(dataset)) {
      trainings.set(
        dataset,
        start('loan-training', { dataset, split: { kind: 'out-of-time', cutoffMonth: '2024-06' } }).then(
          async (runId) => ({ runId, run: await waitForRun(runId) }),
        ),
      );
    }
    return trainings.get(dataset)!;
  }

  async function championOf(dataset: string): Promise<LoanTrainingResult> {
    const { runId, run } = await trainedOverRest(dataset);
    assert.equal(run.status, 'completed', `training ${runId}: ${JSON.stringify(run.error)}`);
    return run.result as LoanTrainingResult;
  }

  async function expect400(url: string, payload: object, pattern: RegExp): Promise<void> {
    const response = await app.inject({ method: 'POST', url, payload, headers: authHeaders() });
    assert.equal(response.statusCode, 400, `${url} ${JSON.stringify(payload)} → ${response.body}`);
    assert.match(response.json<{ message: string }>().message, pattern);
  }

  it('rejects bad requests with a 400 that names the problem', async () => {
    await expect400(
      '/runs/loan-inference',
      { dataset: DATASETS.untrained },
      /No loan model has been trained on "loan-untrained" yet/,
    );
    await expect400('/runs/loan-training', { dataset: 'nope' }, /Unknown dataset "nope"/);
    await expect400('/runs/loan-training', { dataset: '../loan' }, /outside the data dir/);
    await expect400('/runs/loan-training', { dataset: DATASETS.incomplete }, /lacks lms_loan_daily\.csv/);
    await expect400('/runs/loan-training', { split: { kind: 'out-of-time' } }, /cutoffMonth/);
    await expect400('/runs/loan-training', { split: { kind: 'sideways' } }, /kind/);
    await expect400('/runs/loan-monitoring', { snapshotDate: 'June' }, /snapshotDate/);
    await expect400('/runs/loan-monitoring', { thresholds: { minAuc: 2 } }, /minAuc/);
  });

  it('trains, scores a month and monitors over REST; a degraded model retrains', async () => {
    const { run: training } = await trainedOverRest(DATASETS.main);
    assert.equal(training.status, 'completed', JSON.stringify(training.error));
    assert.equal(training.pipeline, 'loan-training');
    const trained = training.result as LoanTrainingResult;
    assert.equal(trained.models.length, 3);
    for (const m of trained.models) {
      for (const key of ['trainAuc', 'testAuc', 'precision', 'recall', 'f1', 'fitSeconds'] as const) {
        assert.equal(typeof m[key], 'number');
      }
    }

    const inferred = await completed<LoanInferenceResult>(
      await start('loan-inference', { dataset: DATASETS.main, snapshotDate: '2024-08-01' }),
    );
    assert.equal(inferred.snapshotDate, '2024-08-01');
    assert.equal(inferred.modelId, trained.championModelId);
    assert.ok(inferred.rows > 0);
    assert.match(inferred.predictionsPath, /predictions\/2024-08\/.*\.parquet$/);

    const monitored = await completed<LoanMonitoringResult>(
      await start('loan-monitoring', {
        dataset: DATASETS.main,
        snapshotDate: '2024-10',
        thresholds: { minRecall: 0.999 },
      }),
    );
    assert.equal(monitored.decision, 'degraded');
    assert.ok(monitored.reasons.some((r) => r.startsWith('recall')));
    assert.ok(monitored.retrainRunId);
    const retrain = await waitForRun(monitored.retrainRunId);
    assert.equal(retrain.status, 'completed', JSON.stringify(retrain.error));
    assert.equal(retrain.pipeline, 'loan-training');
    const retrained = retrain.result as LoanTrainingResult;

    const { models } = (
      await app.inject({ method: 'GET', url: '/models?pipeline=loan', headers: authHeaders() })
    ).json<{
      models: { modelId: string; lineage: { dataset?: string } }[];
    }>();
    assert.deepEqual(
      models
        .filter((m) => m.lineage.dataset === DATASETS.main)
        .map((m) => m.modelId)
        .sort(),
      [trained.championModelId, retrained.championModelId].sort(),
      'the first champion and the retrained one',
    );
  });

  it('scores raw applicant rows with the stored encoders', async () => {
    const { championModelId } = await championOf(DATASETS.main);
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
      headers: authHeaders(),
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

    // The same applicants as columns, with a null (a missing value) in each: the same answers as rows with those
    // nulls. The validator once coerced a null cell of a column to 0, scoring the column shape differently.
    const withNulls = [
      { ...applicant, Interest_Rate: null },
      { ...applicant, Credit_Mix: 'Good', Interest_Rate: 3, Num_Credit_Card: null },
    ];
    const columns = Object.fromEntries(
      Object.keys(applicant).map((name) => [name, withNulls.map((row) => row[name as keyof typeof row])]),
    );
    const [asRows, asColumns] = await Promise.all(
      [{ rows: withNulls }, { columns }].map((payload) =>
        app.inject({ method: 'POST', headers: authHeaders(), url: `/models/${championModelId}/predict`, payload }),
      ),
    );
    assert.equal(asColumns.statusCode, 200, asColumns.body);
    assert.deepEqual(asColumns.json(), asRows.json());
    const scored = asColumns.json<{ predictions: { missingFeatures: string[] }[] }>().predictions;
    assert.ok(scored[0].missingFeatures.includes('Interest_Rate'));
    assert.ok(scored[1].missingFeatures.includes('Num_Credit_Card'));

    // Predict bodies are parsed without the scan for "__proto__" keys (src/api/predict-body.ts): such a key is
    // one more unknown column, and no prototype changes. Other routes still refuse it.
    const poisoned = await app.inject({
      method: 'POST',
      headers: { ...authHeaders(), 'content-type': 'application/json' },
      url: `/models/${championModelId}/predict`,
      payload: JSON.stringify({ rows: [applicant] }).replace('{"Age"', '{"__proto__":{"polluted":true},"Age"'),
    });
    assert.equal(poisoned.statusCode, 200, poisoned.body);
    assert.deepEqual(poisoned.json<{ predictions: unknown[] }>().predictions[0], predictions[0]);
    assert.equal(({} as { polluted?: unknown }).polluted, undefined);
    const refusedElsewhere = await app.inject({
      method: 'POST',
      headers: { ...authHeaders(), 'content-type': 'application/json' },
      url: '/runs/loan-training',
      payload: '{"dataset": "loan", "__proto__": {"polluted": true}}',
    });
    assert.equal(refusedElsewhere.statusCode, 400, refusedElsewhere.body);

    const bad = await app.inject({
      method: 'POST',
      headers: authHeaders(),
      url: `/models/${championModelId}/predict`,
      payload: { rows: [{ Age: 'forty' }] },
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json<{ message: string }>().message, /Row 0 has a non-numeric "Age"/);
    const empty = await app.inject({
      method: 'POST',
      headers: authHeaders(),
      url: `/models/${championModelId}/predict`,
      payload: { rows: [{ colour: 'red' }] },
    });
    assert.equal(empty.statusCode, 400);
  });

  it('lists the schedules, and a backfill runs each scheduled time for its own month', async (t) => {
    const { client } = stack.env;
    await championOf(DATASETS.scheduled);
    t.after(async () => {
      for (const { scheduleId } of LOAN_SCHEDULES) {
        await client.schedule
          .getHandle(scheduleId)
          .delete()
          .catch((err: unknown) => {
            if (!(err instanceof ScheduleNotFoundError)) throw err;
          });
      }
    });
    await ensureLoanSchedules(client, stack.config, DATASETS.scheduled);
    const { schedules } = (await app.inject({ method: 'GET', url: '/schedules', headers: authHeaders() })).json<{
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

    const window = { start: '2024-03-01T00:00:00Z', end: '2024-03-02T23:00:00Z' };
    const backfill = await app.inject({
      method: 'POST',
      headers: authHeaders(),
      url: '/schedules/loan-inference-daily/backfill',
      payload: window,
    });
    assert.equal(backfill.statusCode, 202, backfill.body);

    // Only the runs whose nominal time lies in the window count: the live 06:00 run may also start meanwhile.
    const [from, to] = [new Date(window.start), new Date(window.end)];
    const backfilledRuns = () => scheduledRuns(client, 'loan-inference-daily', from, to);
    const runs = await waitFor('the backfilled runs to close', async () => {
      const found = await backfilledRuns();
      return found.length >= 2 && found.every((r) => r.status !== 'RUNNING') ? found : undefined;
    });
    assert.deepEqual(
      runs.map((r) => r.scheduledAt),
      ['2024-03-01T06:00:00.000Z', '2024-03-02T06:00:00.000Z'],
      'one run per scheduled time in the window',
    );
    for (const r of runs) {
      const handle = client.workflow.getHandle<typeof loanInferenceWorkflow>(r.workflowId);
      const result = await withDeadline(`backfilled run ${r.workflowId}`, handle.result());
      assert.equal(result.snapshotDate, '2024-03-01', 'the month of the nominal time, not of today');
      assert.equal(result.dataset, DATASETS.scheduled);
    }

    const unknown = await app.inject({
      method: 'POST',
      headers: authHeaders(),
      url: '/schedules/nope/backfill',
      payload: { start: '2024-01-01T00:00:00Z', end: '2024-01-02T00:00:00Z' },
    });
    assert.equal(unknown.statusCode, 404);
  });
});
