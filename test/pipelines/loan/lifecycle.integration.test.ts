import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import assert from 'node:assert/strict';
import { access, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { withDuckDb, sqlString } from '../../../src/storage/duckdb.js';
import { getChampion, loadModel } from '../../../src/storage/model-store.js';
import { writeLoanSampleData } from '../../../src/sample-data/loan.js';
import type { LoanInferenceResult } from '../../../src/pipelines/loan/inference/contract.js';
import type { LoanMonitoringResult } from '../../../src/pipelines/loan/monitoring/contract.js';
import type { LoanTrainingResult } from '../../../src/pipelines/loan/training/contract.js';
import { ensureLoanSchedules, LOAN_SCHEDULES } from '../../../src/pipelines/loan/schedules.js';
import { startTestStack, type TestStack } from '../../support/test-stack.js';

const REAL_LOAN_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/datasets/loan');
const realDataPresent = await access(join(REAL_LOAN_DIR, 'lms_loan_daily.csv')).then(
  () => true,
  () => false,
);

describe('loan-default lifecycle on a real Temporal dev server', () => {
  let stack: TestStack;

  before(async () => {
    stack = await startTestStack();
    await writeLoanSampleData(join(stack.config.dataDir, 'loan'), { seed: 11, customers: 1500 });
    await stack.startWorker();
  });

  after(async () => {
    await stack?.teardown();
  });

  const execute = <T>(workflowType: string, workflowId: string, input: object) =>
    stack.env.client.workflow.execute(workflowType, {
      workflowId,
      taskQueue: stack.config.taskQueue,
      args: [input],
    }) as Promise<T>;

  let training: LoanTrainingResult;

  it('trains three models in parallel and promotes the best by test AUC to champion', async () => {
    training = await execute<LoanTrainingResult>('loanTrainingWorkflow', 'loan-training-generated', {
      dataset: 'loan',
    });
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
    assert.equal((await getChampion(stack.config.modelStoreDir, 'loan', 'loan'))?.modelId, training.championModelId);
    const artifact = await loadModel(stack.config.modelStoreDir, training.championModelId);
    assert.equal(artifact.pipeline, 'loan');
    assert.equal(Object.keys(artifact.lineage.dataFingerprints).length, 4);
    assert.equal(artifact.lineage.workflowId, 'loan-training-generated');
  });

  it('scores one snapshot month into a gold predictions Parquet', async () => {
    const result = await execute<LoanInferenceResult>('loanInferenceWorkflow', 'loan-inference-generated', {
      dataset: 'loan',
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

  it('monitors a healthy model: metrics, PSI, dashboard PNG, decision ok, no retraining', async () => {
    const result = await execute<LoanMonitoringResult>('loanMonitoringWorkflow', 'loan-monitoring-ok', {
      dataset: 'loan',
      snapshotDate: '2024-06-01',
      thresholds: { minAuc: 0.5, maxPsi: 5, minPrecision: 0.1, minRecall: 0.1 },
    });
    assert.equal(result.decision, 'ok');
    assert.equal(result.retrainRunId, undefined);
    assert.ok(result.monthly.length >= 1 && result.monthly.length <= 6);
    assert.ok(result.current.auc !== null && result.current.auc > 0.5);
    assert.ok(Object.keys(result.psi.features).length > 10);
    const png = await readFile(result.dashboardPath);
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
  });

  it('a degraded model starts loan-training as a child that completes after the parent closed', async () => {
    const result = await execute<LoanMonitoringResult>('loanMonitoringWorkflow', 'loan-monitoring-degraded', {
      dataset: 'loan',
      snapshotDate: '2024-06-01',
      thresholds: { minAuc: 0.99 },
    });
    assert.equal(result.decision, 'degraded');
    assert.match(result.reasons.join(), /auc .* < 0.99/);
    assert.ok(result.retrainRunId?.startsWith('loan-training-retrain-degraded-2024-06-from-loan-monitoring-degraded'));
    const parent = await stack.env.client.workflow.getHandle('loan-monitoring-degraded').describe();
    const child = stack.env.client.workflow.getHandle(result.retrainRunId!);
    const retrained = (await child.result()) as LoanTrainingResult;
    const childDescription = await child.describe();
    assert.equal(parent.status.name, 'COMPLETED');
    assert.ok(childDescription.closeTime! > parent.closeTime!, 'the child outlived its parent (ABANDON)');
    const artifact = await loadModel(stack.config.modelStoreDir, retrained.championModelId);
    assert.match(String(artifact.lineage.reason), /^degraded: auc/);
  });

  it('creates the daily schedules idempotently, and a triggered schedule runs its workflow', async () => {
    const first = await ensureLoanSchedules(stack.env.client, stack.config);
    assert.deepEqual(first.created.sort(), LOAN_SCHEDULES.map((s) => s.scheduleId).sort());
    const second = await ensureLoanSchedules(stack.env.client, { ...stack.config, scheduleTimeZone: 'Asia/Singapore' });
    assert.deepEqual(second.created, []);
    assert.equal(second.updated.length, 3);
    for (const entry of LOAN_SCHEDULES) {
      const description = await stack.env.client.schedule.getHandle(entry.scheduleId).describe();
      assert.deepEqual(description.spec.calendars?.[0]?.hour, [{ start: entry.hour, end: entry.hour, step: 1 }]);
      assert.deepEqual(description.spec.calendars?.[0]?.minute, [{ start: 0, end: 0, step: 1 }]);
      assert.equal(description.spec.timezone, 'Asia/Singapore');
      assert.equal(description.policies.overlap, 'SKIP');
    }
    const handle = stack.env.client.schedule.getHandle('loan-inference-daily');
    await handle.trigger();
    let workflowId: string | undefined;
    for (let i = 0; i < 100 && !workflowId; i++) {
      workflowId = (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId;
      if (!workflowId) await sleep(100);
    }
    assert.ok(workflowId, 'the schedule started a run');
    const result = (await stack.env.client.workflow.getHandle(workflowId).result()) as LoanInferenceResult;
    assert.ok(result.rows > 0);
  });

  it('fails fast and non-retryably on a missing file, a missing column and an empty table', async () => {
    const cases: [string, (dir: string) => Promise<void>, RegExp][] = [
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
    for (const [name, breakIt, pattern] of cases) {
      const dir = join(stack.config.dataDir, `loan-${name}`);
      await writeLoanSampleData(dir, { seed: 3, customers: 200 });
      await breakIt(dir);
      await assert.rejects(
        execute('loanTrainingWorkflow', `loan-training-${name}`, { dataset: `loan-${name}` }),
        (err: unknown) => {
          assert.ok(err instanceof WorkflowFailedError);
          assert.ok(err.cause instanceof ApplicationFailure, String(err.cause));
          assert.equal(err.cause.type, 'DataValidationError');
          assert.match(err.cause.message, pattern);
          return true;
        },
      );
    }
  });

  it(
    'runs training → inference → monitoring on the real CS611 files',
    { skip: !realDataPresent && 'real data absent' },
    async () => {
      await mkdir(stack.config.dataDir, { recursive: true });
      await symlink(REAL_LOAN_DIR, join(stack.config.dataDir, 'loan-real'));
      const trained = await execute<LoanTrainingResult>('loanTrainingWorkflow', 'loan-training-real', {
        dataset: 'loan-real',
      });
      assert.equal(trained.rows.bronze.lms_loan_daily, 137500);
      const best = Math.max(...trained.models.map((m) => m.testAuc));
      assert.ok(best >= 0.8, `best test AUC on the real data ${best}`);
      const inferred = await execute<LoanInferenceResult>('loanInferenceWorkflow', 'loan-inference-real', {
        dataset: 'loan-real',
        snapshotDate: '2024-06',
      });
      assert.ok(inferred.rows > 300);
      const monitored = await execute<LoanMonitoringResult>('loanMonitoringWorkflow', 'loan-monitoring-real', {
        dataset: 'loan-real',
        snapshotDate: '2024-06',
        retrainOnDegradation: false,
      });
      assert.ok(monitored.current.auc !== null && monitored.current.auc > 0.75);
    },
  );
});
