/**
 * Orchestration of the three loan workflows against stub activities (the "mocks" pattern of the Temporal
 * TypeScript samples, on the real dev server): which activities run, in what order, with what arguments,
 * and what the workflows do with their results. The data and model code is tested elsewhere.
 */
import { Context } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, defaultPayloadConverter } from '@temporalio/common';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DataValidationError, FailureType } from '../../../src/failures.js';
import { loanModelId, retrainingWorkflowId } from '../../../src/pipelines/loan/config.js';
import {
  LOAN_MODEL_KINDS,
  LOAN_RAW_TABLES,
  type LoanLayers,
  type LoanModelKind,
} from '../../../src/pipelines/loan/contract.js';
import type { LoanInferenceActivities, PreparedLoanMonth } from '../../../src/pipelines/loan/inference/activities.js';
import type { LoanInferenceResult } from '../../../src/pipelines/loan/inference/contract.js';
import { loanInferenceWorkflow } from '../../../src/pipelines/loan/inference/workflows.js';
import type { LoanMonitoringActivities } from '../../../src/pipelines/loan/monitoring/activities.js';
import { DEFAULT_THRESHOLDS, type LoanMonitoringMetrics } from '../../../src/pipelines/loan/monitoring/contract.js';
import { loanMonitoringWorkflow } from '../../../src/pipelines/loan/monitoring/workflows.js';
import type { LoanTrainingActivities } from '../../../src/pipelines/loan/training/activities.js';
import type { LoanModelReport, LoanSplit } from '../../../src/pipelines/loan/training/contract.js';
import { loanTrainingWorkflow } from '../../../src/pipelines/loan/training/workflows.js';
import type { ChampionRegistryActivities } from '../../../src/pipelines/champions/activities.js';
import { readChampionHistory } from '../../../src/pipelines/champions/client.js';
import { trainingRunUpdateId } from '../../../src/pipelines/champions/config.js';
import { getChampion, loadModel } from '../../../src/storage/model-store.js';
import { startTestStack, type TestStack } from '../../support/test-stack.js';
import { withDeadline } from '../../support/wait.js';
import { runStampSuffix } from '../../../src/temporal/workflow-context.js';

/** temporal.api.enums.v1.ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON, as history events carry it. */
const PARENT_CLOSE_POLICY_ABANDON = 2;

type StubActivities = LoanTrainingActivities &
  LoanInferenceActivities &
  LoanMonitoringActivities &
  Pick<ChampionRegistryActivities, 'promoteChampionThroughRegistry'>;
type ActivityName = keyof StubActivities;

/** Every stub call, in the order the worker ran them, with the workflow that called it. */
const calls: { workflowId: string; activity: ActivityName; attempt: number; args: unknown }[] = [];

function record(activity: ActivityName, args: unknown): string {
  const { workflowExecution, attempt } = Context.current().info;
  const workflowId = workflowExecution?.workflowId ?? '';
  calls.push({ workflowId, activity, attempt, args });
  return workflowId;
}

function callsOf(workflowId: string) {
  return calls.filter((c) => c.workflowId === workflowId);
}

/** Test AUC per model kind, by training workflow id; other runs (the retraining child) get DEFAULT_AUCS. */
const aucsByRun = new Map<string, Record<LoanModelKind, number>>();
const DEFAULT_AUCS: Record<LoanModelKind, number> = {
  'logistic-regression': 0.7,
  'random-forest': 0.75,
  'gradient-boosting': 0.8,
};
/** Current-month metrics computeLoanMonitoring returns, by monitoring workflow id. */
const monitoringByRun = new Map<string, Partial<LoanMonitoringMetrics['current']> & { psiScore?: number }>();

const BAD_INPUT_MESSAGE = 'Column "Occupation" is missing from features_attributes.csv';
const BAD_INPUT_DETAILS = { file: 'features_attributes.csv', column: 'Occupation' };

/** The layers resolveLoanDataset's stub returns for a dataset. */
const layersOf = (dataset: string): LoanLayers => ({
  dataset,
  rawDir: `/stub/${dataset}`,
  layersDir: `/stub/${dataset}/layers`,
  bronzeDir: `/stub/${dataset}/layers/bronze`,
  silverDir: `/stub/${dataset}/layers/silver`,
  goldDir: `/stub/${dataset}/layers/gold`,
  fingerprints: Object.fromEntries(LOAN_RAW_TABLES.map((t) => [t, `sha-${t}`])),
});

// Stubs answer at once, but keep the real activities' async signatures.
/* eslint-disable @typescript-eslint/require-await */
function stubActivities(
  candidatesDir: string,
  real: LoanTrainingActivities & ChampionRegistryActivities,
): StubActivities {
  return {
    async resolveLoanDataset(args) {
      record('resolveLoanDataset', args);
      return layersOf(args.dataset);
    },
    async ingestLoanBronzeTable(args) {
      const workflowId = record('ingestLoanBronzeTable', args);
      if (workflowId.startsWith('stub-bad-input') && args.table === 'features_attributes') {
        throw new DataValidationError(BAD_INPUT_MESSAGE, BAD_INPUT_DETAILS);
      }
      const rows = 100 + LOAN_RAW_TABLES.indexOf(args.table);
      return { table: args.table, rows, months: 25, invalidSnapshotRows: 0, path: '/stub/b', fingerprint: 'sha' };
    },
    async buildLoanSilverTable(args) {
      record('buildLoanSilverTable', args);
      return { table: args.table, rows: 90 + LOAN_RAW_TABLES.indexOf(args.table), nullsSet: {}, path: '/stub/s' };
    },
    async checkLoanDataQuality(args) {
      record('checkLoanDataQuality', args);
      return {
        ok: true,
        tables: [],
        removedCustomers: 2,
        keptCustomers: 98,
        exclusionReasons: { no_loan: 2 },
        path: '/stub/q',
        reportPath: '/stub/q.json',
      };
    },
    async buildLoanGold(args) {
      record('buildLoanGold', args);
      return {
        rows: 98,
        positives: 28,
        features: [],
        path: `${args.layers.goldDir}/gold.parquet`,
        snapshotRange: { min: '2023-01-01', max: '2025-01-01' },
        excludedCustomers: 2,
      };
    },
    /** Writes the candidate file the real promotion reads; the test AUC comes from the run's scenario. */
    async trainLoanModel(args) {
      const workflowId = record('trainLoanModel', args);
      const testAuc = (aucsByRun.get(workflowId) ?? DEFAULT_AUCS)[args.kind];
      const metrics = {
        trainAuc: 0.9,
        testAuc,
        precision: 0.6,
        recall: 0.5,
        f1: 0.55,
        fitSeconds: 0.1,
        threshold: 0.4,
      };
      const candidatePath = join(candidatesDir, workflowId, `${args.kind}.json`);
      await mkdir(join(candidatesDir, workflowId), { recursive: true });
      await writeFile(
        candidatePath,
        JSON.stringify({
          name: args.kind,
          params: { stub: true },
          metrics,
          payload: { threshold: 0.4 },
          split: args.split,
          rows: { train: 78, test: 20 },
        }),
      );
      return { name: args.kind, ...metrics, trainRows: 78, testRows: 20, candidatePath };
    },
    /** The real activity: the ranking (best test AUC, ties by name) and the model store are what is checked. */
    async saveBestLoanModel(args) {
      record('saveBestLoanModel', args);
      return real.saveBestLoanModel(args);
    },
    async promoteLoanChampion(args) {
      record('promoteLoanChampion', args);
      return real.promoteLoanChampion(args);
    },
    /** The real promotion through the champion registry (whose own local activities are real too). */
    async promoteChampionThroughRegistry(args) {
      record('promoteChampionThroughRegistry', args);
      return real.promoteChampionThroughRegistry(args);
    },
    async prepareLoanMonth(args) {
      record('prepareLoanMonth', args);
      const snapshotMonth = args.snapshotDate?.slice(0, 7) ?? '2025-01';
      return {
        dataset: args.dataset,
        snapshotMonth,
        goldMonthPath: `/stub/gold/${snapshotMonth}.parquet`,
        rows: 40,
        labeled: 0,
        predictionsDir: '/stub/predictions',
      };
    },
    async predictLoanMonth(args) {
      record('predictLoanMonth', args);
      const modelId = args.modelId ?? 'loan-stub-champion';
      return {
        dataset: args.month.dataset,
        snapshotDate: `${args.month.snapshotMonth}-01`,
        modelId,
        rows: args.month.rows,
        labeled: args.month.labeled,
        predictedPositives: 7,
        predictionsPath: `${args.month.predictionsDir}/${args.month.snapshotMonth}/${modelId}.parquet`,
      };
    },
    async computeLoanMonitoring(args) {
      const workflowId = record('computeLoanMonitoring', args);
      const { psiScore = 0.05, ...current } = monitoringByRun.get(workflowId) ?? {};
      const month = {
        month: '2024-06',
        rows: 200,
        labeled: 200,
        auc: 0.85,
        precision: 0.8,
        recall: 0.7,
        f1: 0.75,
        psi: psiScore,
        ...current,
      };
      return {
        modelId: args.modelId ?? 'loan-stub-champion',
        snapshotDate: '2024-06-01',
        current: month,
        monthly: [month],
        psi: { score: psiScore, features: { Age: 0.01 } },
        metricsPath: '/stub/metrics.parquet',
        dashboardPath: '/stub/dashboard.png',
      };
    },
  };
}
/* eslint-enable @typescript-eslint/require-await */

/** The id a workflow's runStamp() gives its model: its start time to the second and its run id's first 8. */
function expectedModelId(startTime: Date, runId: string): string {
  const stamp = startTime
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return loanModelId(`${stamp}-${runStampSuffix(runId, true)}`);
}

describe('loan workflows with stub activities', () => {
  let stack: TestStack;

  before(async () => {
    stack = await startTestStack();
    const candidatesDir = join(stack.config.dataDir, 'stub-candidates');
    // The stubs over every real activity: the champion registry's own activities stay real.
    await stack.startWorker((real) => ({ ...real, ...stubActivities(candidatesDir, real) }));
  });

  after(async () => {
    await stack?.teardown();
  });

  const options = (workflowId: string) => ({ workflowId, taskQueue: stack.config.taskQueue });

  describe('loanTrainingWorkflow', () => {
    async function train(workflowId: string, aucs: Record<LoanModelKind, number>, split?: LoanSplit) {
      aucsByRun.set(workflowId, aucs);
      const result = await withDeadline(
        `training run ${workflowId}`,
        stack.env.client.workflow.execute(loanTrainingWorkflow, {
          ...options(workflowId),
          args: [{ dataset: 'loan-stub', ...(split ? { split } : {}) }],
        }),
      );
      const description = await stack.env.client.workflow.getHandle(workflowId).describe();
      return { result, description };
    }

    it('runs bronze and silver for the four tables, then quality, gold, the three fits and the promotion', async () => {
      const workflowId = 'stub-training-order';
      const { result } = await train(workflowId, DEFAULT_AUCS);
      const runCalls = callsOf(workflowId);
      const names = runCalls.map((c) => c.activity);
      const tables = (activity: ActivityName) =>
        runCalls
          .filter((c) => c.activity === activity)
          .map((c) => (c.args as { table: string }).table)
          .sort();
      assert.deepEqual(names, [
        'resolveLoanDataset',
        ...LOAN_RAW_TABLES.map(() => 'ingestLoanBronzeTable'),
        ...LOAN_RAW_TABLES.map(() => 'buildLoanSilverTable'),
        'checkLoanDataQuality',
        'buildLoanGold',
        ...LOAN_MODEL_KINDS.map(() => 'trainLoanModel'),
        'saveBestLoanModel',
        'promoteChampionThroughRegistry',
      ]);
      assert.deepEqual(tables('ingestLoanBronzeTable'), [...LOAN_RAW_TABLES].sort());
      assert.deepEqual(tables('buildLoanSilverTable'), [...LOAN_RAW_TABLES].sort());

      // Every data step works on the layers the first step resolved; every fit on the gold table, default split.
      const layers = layersOf('loan-stub');
      const dataSteps = runCalls.filter(
        (c) => !['resolveLoanDataset', 'trainLoanModel', 'promoteChampionThroughRegistry'].includes(c.activity),
      );
      for (const c of dataSteps) {
        assert.deepEqual((c.args as { layers: LoanLayers }).layers, layers, c.activity);
      }
      // The registry of the dataset the layers were resolved for promotes the saved model.
      const [registryCall] = runCalls.filter((c) => c.activity === 'promoteChampionThroughRegistry');
      assert.deepEqual(registryCall.args, {
        pipeline: 'loan',
        dataset: 'loan-stub',
        modelId: result.championModelId,
        reason: 'requested',
        actor: `training run ${workflowId}`,
      });
      const fits = runCalls
        .filter((c) => c.activity === 'trainLoanModel')
        .map((c) => c.args as Record<string, unknown>);
      assert.deepEqual(fits.map((f) => f.kind).sort(), [...LOAN_MODEL_KINDS].sort());
      for (const f of fits) {
        assert.equal(f.goldPath, '/stub/loan-stub/layers/gold/gold.parquet');
        assert.deepEqual(f.split, { kind: 'random', seed: 42, testFraction: 0.2 });
      }

      assert.deepEqual(result.rows, {
        bronze: { features_attributes: 100, features_financials: 101, feature_clickstream: 102, lms_loan_daily: 103 },
        silver: { features_attributes: 90, features_financials: 91, feature_clickstream: 92, lms_loan_daily: 93 },
        gold: 98,
        train: 78,
        test: 20,
      });
      assert.deepEqual(result.quality, { ok: true, removedCustomers: 2, keptCustomers: 98, issues: { no_loan: 2 } });
      assert.equal(result.goldPath, '/stub/loan-stub/layers/gold/gold.parquet');
      assert.deepEqual(result.models.map((m) => m.name).sort(), [...LOAN_MODEL_KINDS].sort());
      for (const m of result.models) assert.ok(!('candidatePath' in m), 'claim-check paths stay out of the result');
    });

    it('promotes the best test AUC under an id built by loanModelId, and makes it the champion', async () => {
      const workflowId = 'stub-training-best';
      const { result, description } = await train(workflowId, {
        'logistic-regression': 0.71,
        'random-forest': 0.83,
        'gradient-boosting': 0.79,
      });
      const modelId = expectedModelId(description.startTime, description.runId);
      assert.equal(result.championModelId, modelId);
      assert.equal(result.championAlgorithm, 'random-forest');
      const promotion = callsOf(workflowId).find((c) => c.activity === 'saveBestLoanModel')!.args as {
        candidates: LoanModelReport[];
        modelId: string;
        reason: string;
      };
      assert.equal(promotion.modelId, modelId);
      assert.equal(promotion.reason, 'requested', 'started by a client, not a schedule');
      assert.deepEqual(promotion.candidates.map((c) => c.name).sort(), [...LOAN_MODEL_KINDS].sort());
      assert.equal((await getChampion(stack.config.modelStoreDir, 'loan', 'loan-stub'))?.modelId, modelId);
      // The promotion went through the dataset's champion registry, recorded with the run that made it.
      const history = await readChampionHistory(stack.env.client, { pipeline: 'loan', dataset: 'loan-stub' });
      const change = history?.changes.find((c) => c.to === modelId);
      assert.ok(change, 'a change to the new model');
      assert.deepEqual(
        { action: change.action, reason: change.reason, actor: change.actor },
        {
          action: 'promote',
          reason: 'requested',
          actor: `training run ${workflowId}`,
        },
      );
      assert.deepEqual(change.source, { kind: 'training-run', id: `${workflowId}/${description.runId}` });
      assert.equal(change.updateId, trainingRunUpdateId(workflowId, description.runId));
      const artifact = await loadModel(stack.config.modelStoreDir, modelId);
      assert.equal(artifact.algorithm, 'random-forest');
      assert.equal(artifact.lineage.workflowId, workflowId);
    });

    it('breaks a tie on test AUC by model name, and passes a requested split to every fit', async () => {
      const workflowId = 'stub-training-tie';
      const split: LoanSplit = { kind: 'out-of-time', cutoffMonth: '2024-07' };
      // random-forest is listed (and fitted) before gradient-boosting; the name decides, not the order.
      const { result } = await train(
        workflowId,
        { 'logistic-regression': 0.7, 'random-forest': 0.8, 'gradient-boosting': 0.8 },
        split,
      );
      assert.equal(result.championAlgorithm, 'gradient-boosting');
      for (const c of callsOf(workflowId).filter((c) => c.activity === 'trainLoanModel')) {
        assert.deepEqual((c.args as { split: LoanSplit }).split, split);
      }
    });

    it('fails on bad input from an activity non-retryably, after one attempt, with the activity message', async () => {
      const workflowId = 'stub-bad-input-training';
      await assert.rejects(
        withDeadline(
          `training run ${workflowId}`,
          stack.env.client.workflow.execute(loanTrainingWorkflow, { ...options(workflowId), args: [{}] }),
        ),
        (err: unknown) => {
          assert.ok(err instanceof WorkflowFailedError, String(err));
          assert.ok(err.cause instanceof ApplicationFailure, String(err.cause));
          assert.equal(err.cause.type, FailureType.badInput);
          assert.equal(err.cause.nonRetryable, true);
          assert.equal(err.cause.message, BAD_INPUT_MESSAGE);
          assert.deepEqual(err.cause.details, [BAD_INPUT_DETAILS]);
          return true;
        },
      );
      const attempts = callsOf(workflowId).filter(
        (c) => c.activity === 'ingestLoanBronzeTable' && (c.args as { table: string }).table === 'features_attributes',
      );
      assert.deepEqual(
        attempts.map((c) => c.attempt),
        [1],
        'exactly one attempt',
      );
      assert.ok(!callsOf(workflowId).some((c) => c.activity === 'buildLoanSilverTable'), 'nothing ran after it');
    });
  });

  describe('loanInferenceWorkflow', () => {
    it('prepares the month for the run start time, then scores it with the champion', async () => {
      const workflowId = 'stub-inference-default';
      const result: LoanInferenceResult = await withDeadline(
        `inference run ${workflowId}`,
        stack.env.client.workflow.execute(loanInferenceWorkflow, { ...options(workflowId), args: [{}] }),
      );
      const { startTime } = await stack.env.client.workflow.getHandle(workflowId).describe();
      const [prepare, predict, ...rest] = callsOf(workflowId);
      assert.deepEqual(rest, []);
      assert.equal(prepare.activity, 'prepareLoanMonth');
      // Not started by a schedule: the reference time is the start time (the activity takes its month).
      assert.deepEqual(prepare.args, { dataset: 'loan', referenceTime: startTime.toISOString() });
      assert.equal(predict.activity, 'predictLoanMonth');
      const month = (predict.args as { month: PreparedLoanMonth }).month;
      assert.equal(month.snapshotMonth, '2025-01', 'the month prepareLoanMonth returned');
      assert.equal((predict.args as { modelId?: string }).modelId, undefined, 'the champion');
      assert.equal(result.snapshotDate, '2025-01-01');
      assert.equal(result.modelId, 'loan-stub-champion');
    });

    it('passes a requested month and model through', async () => {
      const workflowId = 'stub-inference-explicit';
      const result = await withDeadline(
        `inference run ${workflowId}`,
        stack.env.client.workflow.execute(loanInferenceWorkflow, {
          ...options(workflowId),
          args: [{ dataset: 'loan-x', snapshotDate: '2024-03-01', modelId: 'loan-chosen' }],
        }),
      );
      const [prepare, predict] = callsOf(workflowId);
      assert.equal((prepare.args as { snapshotDate?: string }).snapshotDate, '2024-03-01');
      assert.equal((prepare.args as { dataset: string }).dataset, 'loan-x');
      assert.equal((predict.args as { modelId?: string }).modelId, 'loan-chosen');
      assert.equal(result.modelId, 'loan-chosen');
      assert.equal(result.snapshotDate, '2024-03-01');
    });
  });

  describe('loanMonitoringWorkflow', () => {
    /** The StartChildWorkflowExecutionInitiated events of a run: what it asked the server to start. */
    async function childStarts(workflowId: string) {
      const history = await stack.env.client.workflow.getHandle(workflowId).fetchHistory();
      return (history.events ?? []).flatMap((e) =>
        e.startChildWorkflowExecutionInitiatedEventAttributes
          ? [e.startChildWorkflowExecutionInitiatedEventAttributes]
          : [],
      );
    }

    const monitor = (workflowId: string, input: Parameters<typeof loanMonitoringWorkflow>[0]) =>
      withDeadline(
        `monitoring run ${workflowId}`,
        stack.env.client.workflow.execute(loanMonitoringWorkflow, { ...options(workflowId), args: [input] }),
      );

    it('a healthy month: decision ok, default thresholds passed to the metrics, no child', async () => {
      const workflowId = 'stub-monitoring-ok';
      const result = await monitor(workflowId, { dataset: 'loan-stub' });
      assert.equal(result.decision, 'ok');
      assert.deepEqual(result.reasons, []);
      assert.equal(result.retrainRunId, undefined);
      assert.deepEqual(result.thresholds, DEFAULT_THRESHOLDS);
      const [compute] = callsOf(workflowId);
      assert.deepEqual((compute.args as { thresholds: object }).thresholds, {
        minAuc: DEFAULT_THRESHOLDS.minAuc,
        maxPsi: DEFAULT_THRESHOLDS.maxPsi,
        minPrecision: DEFAULT_THRESHOLDS.minPrecision,
        minRecall: DEFAULT_THRESHOLDS.minRecall,
      });
      assert.equal((compute.args as { months: number }).months, 6);
      assert.deepEqual(await childStarts(workflowId), []);
    });

    it('degraded metrics start loan training as an ABANDON child with the retraining id, which completes', async () => {
      const workflowId = 'stub-monitoring-degraded';
      monitoringByRun.set(workflowId, { auc: 0.55, psiScore: 0.31 });
      const result = await monitor(workflowId, { dataset: 'loan-stub' });
      assert.equal(result.decision, 'degraded');
      assert.deepEqual(result.reasons, ['auc 0.550 < 0.7', 'psi 0.310 >= 0.2']);
      const childId = retrainingWorkflowId('2024-06-01', workflowId);
      assert.equal(result.retrainRunId, childId);

      const [start, ...more] = await childStarts(workflowId);
      assert.equal(more.length, 0, 'one child');
      assert.equal(start.workflowId, childId);
      assert.equal(start.workflowType?.name, loanTrainingWorkflow.name);
      assert.equal(start.parentClosePolicy, PARENT_CLOSE_POLICY_ABANDON, 'parent-close policy ABANDON');
      const [childInput] = (start.input?.payloads ?? []).map((p) => defaultPayloadConverter.fromPayload(p));
      assert.deepEqual(childInput, { dataset: 'loan-stub', reason: 'degraded: auc 0.550 < 0.7; psi 0.310 >= 0.2' });

      const retrained = await withDeadline(
        `retraining child ${childId}`,
        stack.env.client.workflow.getHandle<typeof loanTrainingWorkflow>(childId).result(),
      );
      assert.equal(retrained.dataset, 'loan-stub');
      const artifact = await loadModel(stack.config.modelStoreDir, retrained.championModelId);
      assert.equal(artifact.lineage.reason, 'degraded: auc 0.550 < 0.7; psi 0.310 >= 0.2');
    });

    it('degraded metrics with retrainOnDegradation false start no child', async () => {
      const workflowId = 'stub-monitoring-no-retrain';
      monitoringByRun.set(workflowId, { recall: 0.2 });
      const result = await monitor(workflowId, { dataset: 'loan-stub', retrainOnDegradation: false });
      assert.equal(result.decision, 'degraded');
      assert.deepEqual(result.reasons, ['recall 0.200 < 0.5']);
      assert.equal(result.retrainRunId, undefined);
      assert.deepEqual(await childStarts(workflowId), []);
    });

    it('merges requested thresholds over the defaults', async () => {
      const workflowId = 'stub-monitoring-thresholds';
      monitoringByRun.set(workflowId, { precision: 0.65 });
      const result = await monitor(workflowId, {
        dataset: 'loan-stub',
        thresholds: { minPrecision: 0.7 },
        retrainOnDegradation: false,
      });
      assert.deepEqual(result.thresholds, { ...DEFAULT_THRESHOLDS, minPrecision: 0.7 });
      assert.deepEqual(result.reasons, ['precision 0.650 < 0.7']);
    });
  });
});
