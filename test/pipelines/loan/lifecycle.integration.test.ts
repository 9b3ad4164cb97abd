import {
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  WorkflowFailedError,
  type Client,
  type WorkflowStartOptions,
} from '@temporalio/client';
import { ApplicationFailure, type Workflow } from '@temporalio/common';
import assert from 'node:assert/strict';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { withDuckDb, sqlString } from '../../../src/storage/duckdb.js';
import { getChampion, loadModel } from '../../../src/storage/model-store.js';
import { writeLoanSampleData } from '../../../src/sample-data/loan.js';
import { DRIFTED_LOAN_SAMPLE } from '../../../src/sample-data/index.js';
import { retrainingWorkflowId } from '../../../src/pipelines/loan/config.js';
import { createLoanInferenceActivities } from '../../../src/pipelines/loan/inference/activities.js';
import { loanInferenceWorkflow } from '../../../src/pipelines/loan/inference/workflows.js';
import { createLoanMonitoringActivities } from '../../../src/pipelines/loan/monitoring/activities.js';
import { DEFAULT_THRESHOLDS } from '../../../src/pipelines/loan/monitoring/contract.js';
import { loanMonitoringWorkflow } from '../../../src/pipelines/loan/monitoring/workflows.js';
import type { LoanTrainingInput, LoanTrainingResult } from '../../../src/pipelines/loan/training/contract.js';
import { loanTrainingWorkflow } from '../../../src/pipelines/loan/training/workflows.js';
import { ensureLoanSchedules, LOAN_SCHEDULES } from '../../../src/pipelines/loan/schedules.js';
import { REAL_DATA, skipUnlessRealData } from '../../support/paths.js';
import { scheduledRuns } from '../../support/schedules.js';
import { startTestStack, type TestStack } from '../../support/test-stack.js';
import { waitFor, withDeadline } from '../../support/wait.js';

/**
 * Every case works on its own dataset (a folder under DATA_DIR with its own champion), so no case depends on
 * what another one left behind, and a failure in one cannot change the model another one scores with.
 */
const DATASETS = {
  /** Training, inference and a healthy monitoring run; nothing retrains it. */
  main: 'loan',
  /** Monitored with an AUC threshold no model meets: its champion is replaced by the retraining child. */
  degraded: 'loan-degraded',
  /** Drifts from DRIFTED_LOAN_SAMPLE.driftFromMonth: a model trained before the drift, monitored after it. */
  drift: DRIFTED_LOAN_SAMPLE.folder,
  /** What the daily schedules run on (live schedule triggers touch nothing else). */
  scheduled: 'loan-scheduled',
  real: 'loan-real',
} as const;

/** The schedules' zone, ahead of UTC: their 06:00 on the 1st of a month is 21:00 UTC the day before. */
const SCHEDULE_TIME_ZONE = 'Asia/Tokyo';

async function deleteSchedules(client: Client): Promise<void> {
  for (const { scheduleId } of LOAN_SCHEDULES) {
    await client.schedule
      .getHandle(scheduleId)
      .delete()
      .catch((err: unknown) => {
        if (!(err instanceof ScheduleNotFoundError)) throw err;
      });
  }
}

describe('loan-default lifecycle on a real Temporal dev server', () => {
  let stack: TestStack;

  before(async () => {
    stack = await startTestStack();
    const { dataDir } = stack.config;
    await writeLoanSampleData(join(dataDir, DATASETS.main), { seed: 11, customers: 1500 });
    await writeLoanSampleData(join(dataDir, DATASETS.degraded), { seed: 11, customers: 800 });
    await writeLoanSampleData(join(dataDir, DATASETS.scheduled), { seed: 11, customers: 800 });
    await writeLoanSampleData(join(dataDir, DATASETS.drift), {
      seed: 42,
      customers: 1500,
      driftFromMonth: DRIFTED_LOAN_SAMPLE.driftFromMonth,
    });
    // As in production, the worker takes snapshot months in the zone the schedules run in (SCHEDULE_TIMEZONE).
    const zoned = { ...stack.config, scheduleTimeZone: SCHEDULE_TIME_ZONE };
    await stack.startWorker((real) => ({
      ...real,
      ...createLoanInferenceActivities(zoned),
      ...createLoanMonitoringActivities(zoned),
    }));
  });

  after(async () => {
    await stack?.teardown();
  });

  /** Runs a workflow to its end, or fails the test if it does not end before the deadline. */
  function run<W extends Workflow>(workflow: W, workflowId: string, input: Parameters<W>[0]) {
    const options = {
      workflowId,
      taskQueue: stack.config.taskQueue,
      args: [input],
    } as unknown as WorkflowStartOptions<W>;
    return withDeadline(`${workflow.name} ${workflowId}`, stack.env.client.workflow.execute(workflow, options));
  }

  /** One training run per dataset and request, shared by the cases that need a champion on that dataset. */
  const trainings = new Map<string, Promise<LoanTrainingResult>>();
  function trainedOn(dataset: string, request: LoanTrainingInput = {}): Promise<LoanTrainingResult> {
    const workflowId = `loan-training-${dataset}`;
    if (!trainings.has(workflowId)) {
      trainings.set(workflowId, run(loanTrainingWorkflow, workflowId, { ...request, dataset }));
    }
    return trainings.get(workflowId)!;
  }

  it('trains three models in parallel and promotes the best by test AUC to champion', async () => {
    const training = await trainedOn(DATASETS.main);
    assert.deepEqual(training.models.map((m) => m.name).sort(), [
      'gradient-boosting',
      'logistic-regression',
      'random-forest',
    ]);
    const best = Math.max(...training.models.map((m) => m.testAuc));
    const champion = training.models.find((m) => m.name === training.championAlgorithm)!;
    assert.equal(champion.testAuc, best);
    assert.ok(best > 0.7, `generated data carries a real signal (best test AUC ${best})`);
    assert.ok(training.rows.train + training.rows.test <= training.rows.gold);
    assert.ok(
      Math.abs(training.rows.test / (training.rows.train + training.rows.test) - 0.2) < 0.01,
      'stratified 80/20',
    );
    const pointer = await getChampion(stack.config.modelStoreDir, 'loan', DATASETS.main);
    assert.equal(pointer?.modelId, training.championModelId);
    const artifact = await loadModel(stack.config.modelStoreDir, training.championModelId);
    assert.equal(artifact.pipeline, 'loan');
    assert.equal(Object.keys(artifact.lineage.dataFingerprints).length, 4);
    assert.equal(artifact.lineage.workflowId, `loan-training-${DATASETS.main}`);
  });

  it('scores one snapshot month into a gold predictions Parquet', async () => {
    const training = await trainedOn(DATASETS.main);
    const result = await run(loanInferenceWorkflow, 'loan-inference-generated', {
      dataset: DATASETS.main,
      snapshotDate: '2024-03-01',
    });
    assert.equal(result.snapshotDate, '2024-03-01');
    assert.equal(result.modelId, training.championModelId);
    assert.ok(result.rows > 0);
    const columns = await withDuckDb(async (conn) => {
      const reader = await conn.runAndReadAll(
        `DESCRIBE SELECT * FROM read_parquet(${sqlString(result.predictionsPath)})`,
      );
      return reader.getRowObjects().map((r) => String(r.column_name));
    });
    assert.deepEqual(columns, [
      'Customer_ID',
      'loan_id',
      'snapshot_date',
      'prediction',
      'prediction_proba',
      'actual_label',
      'model_id',
    ]);
  });

  it('monitors a healthy model: metrics, PSI, dashboard PNG, decision ok', async () => {
    await trainedOn(DATASETS.main);
    // Whether an ok decision starts a child is checked with stub activities (workflows.test.ts); here a wrong
    // decision must not retrain this dataset under the other cases.
    const result = await run(loanMonitoringWorkflow, 'loan-monitoring-ok', {
      dataset: DATASETS.main,
      snapshotDate: '2024-06-01',
      thresholds: { minAuc: 0.5, maxPsi: 5, minPrecision: 0.1, minRecall: 0.1 },
      retrainOnDegradation: false,
    });
    assert.equal(result.decision, 'ok', result.reasons.join('; '));
    assert.deepEqual(result.reasons, []);
    assert.ok(result.monthly.length >= 1 && result.monthly.length <= 6);
    assert.ok(result.current.auc !== null && result.current.auc > 0.5);
    assert.ok(Object.keys(result.psi.features).length > 10);
    const png = await readFile(result.dashboardPath);
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
  });

  it('a degraded model starts loan-training as a child that completes after the parent closed', async () => {
    await trainedOn(DATASETS.degraded);
    const workflowId = 'loan-monitoring-degraded';
    const result = await run(loanMonitoringWorkflow, workflowId, {
      dataset: DATASETS.degraded,
      snapshotDate: '2024-06-01',
      thresholds: { minAuc: 0.99 },
    });
    assert.equal(result.decision, 'degraded');
    assert.match(result.reasons.join(), /auc .* < 0.99/);
    assert.equal(result.retrainRunId, retrainingWorkflowId('2024-06-01', workflowId));
    const parent = await stack.env.client.workflow.getHandle(workflowId).describe();
    const child = stack.env.client.workflow.getHandle<typeof loanTrainingWorkflow>(result.retrainRunId);
    const retrained = await withDeadline(`retraining child ${child.workflowId}`, child.result());
    const childDescription = await child.describe();
    assert.equal(parent.status.name, 'COMPLETED');
    assert.ok(childDescription.closeTime! > parent.closeTime!, 'the child outlived its parent (ABANDON)');
    const artifact = await loadModel(stack.config.modelStoreDir, retrained.championModelId);
    assert.match(String(artifact.lineage.reason), /^degraded: auc/);
  });

  it('PSI drift alone degrades a model trained before the drift, and its retraining run completes', async (t) => {
    await trainedOn(DATASETS.drift, { split: { kind: 'out-of-time', cutoffMonth: '2024-07' } });
    const workflowId = 'loan-monitoring-drift';
    // AUC, precision and recall cannot fall below 0: only the default PSI threshold can fire.
    const result = await run(loanMonitoringWorkflow, workflowId, {
      dataset: DATASETS.drift,
      snapshotDate: '2024-12',
      thresholds: { minAuc: 0, minPrecision: 0, minRecall: 0 },
    });
    t.diagnostic(`evaluated ${result.current.month}: score PSI ${result.psi.score}, AUC ${result.current.auc}`);
    assert.equal(result.thresholds.maxPsi, DEFAULT_THRESHOLDS.maxPsi);
    assert.equal(result.decision, 'degraded');
    assert.ok(result.psi.score >= DEFAULT_THRESHOLDS.maxPsi, `score PSI ${result.psi.score}`);
    assert.equal(result.reasons.length, 1, result.reasons.join('; '));
    assert.match(result.reasons[0], /^psi \d\.\d+ >= 0\.2$/);

    const childId = retrainingWorkflowId(result.snapshotDate, workflowId);
    assert.equal(result.retrainRunId, childId);
    const child = stack.env.client.workflow.getHandle<typeof loanTrainingWorkflow>(childId);
    const retrained = await withDeadline(`retraining child ${childId}`, child.result());
    assert.equal((await child.describe()).status.name, 'COMPLETED');
    const artifact = await loadModel(stack.config.modelStoreDir, retrained.championModelId);
    assert.equal(artifact.lineage.reason, `degraded: ${result.reasons[0]}`);
    assert.equal(artifact.lineage.workflowId, childId);
    const pointer = await getChampion(stack.config.modelStoreDir, 'loan', DATASETS.drift);
    assert.equal(pointer?.modelId, retrained.championModelId, 'the retrained model is the champion');
  });

  it('creates the daily schedules idempotently, and triggered schedules run their workflows', async (t) => {
    const { client } = stack.env;
    t.after(() => deleteSchedules(client));
    const first = await ensureLoanSchedules(client, stack.config, DATASETS.scheduled);
    assert.deepEqual(first.created.sort(), LOAN_SCHEDULES.map((s) => s.scheduleId).sort());
    const zoned = { ...stack.config, scheduleTimeZone: SCHEDULE_TIME_ZONE };
    const second = await ensureLoanSchedules(client, zoned, DATASETS.scheduled);
    assert.deepEqual(second.created, []);
    assert.equal(second.updated.length, 3);
    for (const entry of LOAN_SCHEDULES) {
      const description = await client.schedule.getHandle(entry.scheduleId).describe();
      assert.deepEqual(description.spec.calendars?.[0]?.hour, [{ start: entry.hour, end: entry.hour, step: 1 }]);
      assert.deepEqual(description.spec.calendars?.[0]?.minute, [{ start: 0, end: 0, step: 1 }]);
      assert.equal(description.spec.timezone, SCHEDULE_TIME_ZONE);
      assert.equal(description.policies.overlap, 'SKIP');
    }

    /** Triggers a schedule now and returns the id of the run that trigger started. */
    async function trigger(scheduleId: string): Promise<string> {
      const handle = client.schedule.getHandle(scheduleId);
      const runIds = async () => (await handle.describe()).info.recentActions.map((a) => a.action.workflow.workflowId);
      const before = new Set(await runIds());
      // ALLOW_ALL: a live daily run that happens to be under way must not make this trigger a no-op.
      await handle.trigger(ScheduleOverlapPolicy.ALLOW_ALL);
      return waitFor(`a run started by ${scheduleId}`, async () => (await runIds()).find((id) => !before.has(id)));
    }

    const trainingRunId = await trigger('loan-training-daily');
    const trained = await withDeadline(
      `scheduled training ${trainingRunId}`,
      client.workflow.getHandle<typeof loanTrainingWorkflow>(trainingRunId).result(),
    );
    const artifact = await loadModel(stack.config.modelStoreDir, trained.championModelId);
    assert.equal(artifact.lineage.reason, 'scheduled');

    const inferenceRunId = await trigger('loan-inference-daily');
    const scored = await withDeadline(
      `scheduled inference ${inferenceRunId}`,
      client.workflow.getHandle<typeof loanInferenceWorkflow>(inferenceRunId).result(),
    );
    assert.equal(scored.dataset, DATASETS.scheduled);
    assert.equal(scored.modelId, trained.championModelId);
    assert.equal(scored.snapshotDate, '2025-01-01', 'triggered now: the latest month with loans');
    assert.ok(scored.rows > 0);

    // The 06:00 Tokyo run of 1 April 2024 is nominally 2024-03-31T21:00Z: it scores April, not March.
    const [from, to] = [new Date('2024-03-31T12:00:00Z'), new Date('2024-04-01T00:00:00Z')];
    await client.schedule
      .getHandle('loan-inference-daily')
      .backfill({ start: from, end: to, overlap: ScheduleOverlapPolicy.ALLOW_ALL });
    const [backfilled, ...others] = await waitFor('the backfilled run to close', async () => {
      const runs = await scheduledRuns(client, 'loan-inference-daily', from, to);
      return runs.length > 0 && runs.every((r) => r.status !== 'RUNNING') ? runs : undefined;
    });
    assert.equal(backfilled.scheduledAt, '2024-03-31T21:00:00.000Z');
    assert.deepEqual(others, [], 'one scheduled time in the window');
    const april = await withDeadline(
      `backfilled inference ${backfilled.workflowId}`,
      client.workflow.getHandle<typeof loanInferenceWorkflow>(backfilled.workflowId).result(),
    );
    assert.equal(april.snapshotDate, '2024-04-01', 'the month on the schedule clock, not the UTC one');
  });

  const badInputs: [string, (dir: string) => Promise<void>, RegExp][] = [
    ['missing-file', (dir) => rm(join(dir, 'feature_clickstream.csv')), /feature_clickstream\.csv/],
    [
      'missing-column',
      async (dir) => {
        const path = join(dir, 'features_attributes.csv');
        const text = await readFile(path, 'utf8');
        await writeFile(path, text.replace('Occupation', 'Job'));
      },
      /Occupation/,
    ],
    [
      'empty-table',
      async (dir) => {
        const path = join(dir, 'lms_loan_daily.csv');
        const header = (await readFile(path, 'utf8')).split('\n')[0];
        await writeFile(path, `${header}\n`);
      },
      /lms_loan_daily|empty|no data rows/i,
    ],
  ];
  for (const [name, breakIt, pattern] of badInputs) {
    it(`fails fast and non-retryably on bad input: ${name}`, async () => {
      const dataset = `loan-${name}`;
      const dir = join(stack.config.dataDir, dataset);
      await writeLoanSampleData(dir, { seed: 3, customers: 200 });
      await breakIt(dir);
      await assert.rejects(run(loanTrainingWorkflow, `loan-training-${name}`, { dataset }), (err: unknown) => {
        assert.ok(err instanceof WorkflowFailedError, String(err));
        assert.ok(err.cause instanceof ApplicationFailure, String(err.cause));
        assert.equal(err.cause.type, 'DataValidationError');
        assert.equal(err.cause.nonRetryable, true);
        assert.match(err.cause.message, pattern);
        return true;
      });
    });
  }

  it(
    'runs training → inference → monitoring on the real CS611 files',
    { skip: skipUnlessRealData(REAL_DATA.loanDir) },
    async () => {
      await mkdir(stack.config.dataDir, { recursive: true });
      await symlink(REAL_DATA.loanDir, join(stack.config.dataDir, DATASETS.real));
      const trained = await run(loanTrainingWorkflow, 'loan-training-real', { dataset: DATASETS.real });
      assert.equal(trained.rows.bronze.lms_loan_daily, 137500);
      const best = Math.max(...trained.models.map((m) => m.testAuc));
      assert.ok(best >= 0.8, `best test AUC on the real data ${best}`);
      const inferred = await run(loanInferenceWorkflow, 'loan-inference-real', {
        dataset: DATASETS.real,
        snapshotDate: '2024-06',
      });
      assert.equal(inferred.modelId, trained.championModelId);
      assert.ok(inferred.rows > 300);
      const monitored = await run(loanMonitoringWorkflow, 'loan-monitoring-real', {
        dataset: DATASETS.real,
        snapshotDate: '2024-06',
        retrainOnDegradation: false,
      });
      assert.ok(monitored.current.auc !== null && monitored.current.auc > 0.75);
    },
  );
});
