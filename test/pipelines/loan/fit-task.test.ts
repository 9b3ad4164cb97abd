import assert from 'node:assert/strict';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';

import { closeComputePool, runCompute } from '../../../src/compute/pool.js';
import { predictProba } from '../../../src/ml/classifiers.js';
import { fitWithHeldOutScores } from '../../../src/ml/held-out.js';
import { buildPsiReference } from '../../../src/ml/psi.js';
import { breakEvenThreshold } from '../../../src/ml/threshold.js';
import { encodeGoldColumns, goldBuffers, type GoldColumns } from '../../../src/pipelines/loan/features.js';
import { readGoldColumns } from '../../../src/pipelines/loan/gold-columns.js';
import { LOAN_MODEL_SPECS } from '../../../src/pipelines/loan/model.js';
import { createLoanTrainingActivities } from '../../../src/pipelines/loan/training/activities.js';
import type { LoanModelReport, LoanSplit } from '../../../src/pipelines/loan/training/contract.js';
import {
  fitLoanCandidate,
  fitLoanCandidateTask,
  type CandidateFile,
} from '../../../src/pipelines/loan/training/fit-task.js';
import { latestMonthsRows, splitGold } from '../../../src/pipelines/loan/training/fitting.js';
import { withDuckDb } from '../../../src/storage/duckdb.js';
import { runWorkspace } from '../../../src/storage/run-workspace.js';
import { writeGoldFixture } from './gold-fixture.js';

const SPLIT: LoanSplit = { kind: 'random', seed: 42, testFraction: 0.2 };
type TrainArgs = Parameters<ReturnType<typeof createLoanTrainingActivities>['trainLoanModel']>[0];

describe('loan candidate fit on a compute thread', () => {
  let dir: string;
  let goldPath: string;
  const readGold = (): Promise<GoldColumns> =>
    withDuckDb((conn) => readGoldColumns(conn, goldPath, 'label IS NOT NULL'));

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loan-fit-task-'));
    goldPath = join(dir, 'gold.parquet');
    await writeGoldFixture(goldPath, 900);
  });
  after(async () => {
    await closeComputePool();
    await rm(dir, { recursive: true, force: true });
  });

  it('a thread fits the same candidate as this thread, from columns moved into it', async () => {
    const inProcess = await readGold();
    const local = fitLoanCandidate({
      gold: inProcess,
      kind: 'random-forest',
      split: SPLIT,
      ...splitGold(inProcess, SPLIT),
    });
    const moved = await readGold();
    const { train, test } = splitGold(moved, SPLIT);
    const remote = await runCompute(
      fitLoanCandidateTask,
      { gold: moved, kind: 'random-forest', split: SPLIT, train, test },
      { transferList: [...goldBuffers(moved), train.buffer as ArrayBuffer, test.buffer as ArrayBuffer] },
    );
    assert.equal(moved.label.length, 0, 'the label column was moved, not copied');
    const withoutTime = (json: string) => {
      const candidate = JSON.parse(json) as CandidateFile;
      return { ...candidate, metrics: { ...candidate.metrics, fitSeconds: 0 } };
    };
    assert.deepEqual(withoutTime(remote.candidateJson), withoutTime(local.candidateJson));
    assert.ok(remote.metrics.testAuc > 0.7, `test AUC ${remote.metrics.testAuc}`);
  });

  it('threads fit at once from the same shared columns, as trainLoanModel sends them, and leave them as read', async () => {
    const shared = await withDuckDb((conn) => readGoldColumns(conn, goldPath, 'label IS NOT NULL', { shared: true }));
    assert.ok(goldBuffers(shared).every((buffer) => buffer instanceof SharedArrayBuffer));
    const own = await readGold();
    const kinds = ['random-forest', 'logistic-regression'] as const;
    const remote = await Promise.all(
      kinds.map((kind) => {
        const { train, test } = splitGold(shared, SPLIT);
        return runCompute(
          fitLoanCandidateTask,
          { gold: shared, kind, split: SPLIT, train, test },
          { transferList: [train.buffer as ArrayBuffer, test.buffer as ArrayBuffer] },
        );
      }),
    );
    kinds.forEach((kind, i) => {
      const local = fitLoanCandidate({ gold: own, kind, split: SPLIT, ...splitGold(own, SPLIT) });
      assert.deepEqual(remote[i].metrics.testAuc, local.metrics.testAuc, kind);
      assert.deepEqual(remote[i].metrics.threshold, local.metrics.threshold, kind);
    });
    // Unchanged by the fits: equal to a fresh read (a fit on this thread could have changed `own` alike).
    const plain = (gold: GoldColumns) => ({
      ...gold,
      numeric: gold.numeric.map((c) => [...c]),
      label: [...gold.label],
    });
    assert.deepEqual(plain(shared), plain(await readGold()));
  });

  it('the threshold and score PSI reference come from out-of-sample training scores, not in-sample ones', async () => {
    const gold = await readGold();
    const { train, test } = splitGold(gold, SPLIT);
    const expectedSource = {
      'logistic-regression': 'refit',
      'random-forest': 'out-of-bag',
      'gradient-boosting': 'early-stopping',
    };
    for (const kind of ['logistic-regression', 'random-forest', 'gradient-boosting'] as const) {
      const fitted = fitLoanCandidate({ gold, kind, split: SPLIT, train, test });
      const candidate = JSON.parse(fitted.candidateJson) as CandidateFile;
      const { encoder, classifier } = candidate.payload;
      const xTrain = encodeGoldColumns(encoder, gold, train, kind === 'logistic-regression');
      const yTrain = Float64Array.from(train, (i) => gold.label[i]);
      const { heldOut } = fitWithHeldOutScores(LOAN_MODEL_SPECS[kind], xTrain, yTrain, 42);
      assert.equal(heldOut.source, expectedSource[kind], kind);
      assert.deepEqual(candidate.heldOut, { source: heldOut.source, rows: heldOut.scores.length }, kind);
      assert.equal(candidate.payload.threshold, breakEvenThreshold(heldOut.labels, heldOut.scores).threshold, kind);
      assert.deepEqual(candidate.payload.psiReference.score, buildPsiReference(heldOut.scores, 10), kind);
      if (kind === 'random-forest') {
        // A forest's scores of its own training rows are more extreme: that reference would differ.
        const inSample = buildPsiReference(predictProba(classifier, xTrain), 10);
        assert.notDeepEqual(candidate.payload.psiReference.score.edges, inSample.edges);
      }
    }
  });

  it('under an out-of-time split, boosting stops on (and holds out scores of) the training period’s latest months', async () => {
    const gold = await readGold();
    const split: LoanSplit = { kind: 'out-of-time', cutoffMonth: '2023-10' };
    const { train, test } = splitGold(gold, split);
    const latest = latestMonthsRows(gold, train, 0.1)!;
    assert.equal(latest.fromMonth, 202309); // the fixture's loans start in 2023, a twelfth in each month
    const candidate = JSON.parse(
      fitLoanCandidate({ gold, kind: 'gradient-boosting', split, train, test }).candidateJson,
    ) as CandidateFile;
    assert.deepEqual(candidate.heldOut, { source: 'early-stopping', rows: latest.rows.length, fromMonth: 202309 });
    const { encoder } = candidate.payload;
    const xTrain = encodeGoldColumns(encoder, gold, train, false);
    const yTrain = Float64Array.from(train, (i) => gold.label[i]);
    const { model, heldOut } = fitWithHeldOutScores(
      LOAN_MODEL_SPECS['gradient-boosting'],
      xTrain,
      yTrain,
      42,
      undefined,
      latest.rows,
    );
    assert.deepEqual(candidate.payload.classifier, JSON.parse(JSON.stringify(model)));
    assert.equal(candidate.payload.threshold, breakEvenThreshold(heldOut.labels, heldOut.scores).threshold);
    // A random split keeps the stratified random slice: no month is named.
    const randomSplit = JSON.parse(
      fitLoanCandidate({ gold, kind: 'gradient-boosting', split: SPLIT, ...splitGold(gold, SPLIT) }).candidateJson,
    ) as CandidateFile;
    assert.equal(randomSplit.heldOut.fromMonth, undefined);
  });

  it('trainLoanModel heartbeats the thread’s progress and writes the candidate', async () => {
    const config = { dataDir: dir, runsDir: join(dir, 'runs'), modelStoreDir: join(dir, 'models') };
    const env = new MockActivityEnvironment({ workflowExecution: { workflowId: 'fit-progress', runId: 'r' } });
    const phases = new Set<string>();
    env.on('heartbeat', (details: { model?: string; phase?: string }) => {
      if (details?.model === 'gradient-boosting' && details.phase) phases.add(details.phase);
    });
    const activities = createLoanTrainingActivities(config);
    const report: LoanModelReport = await env.run((args: TrainArgs) => activities.trainLoanModel(args), {
      goldPath,
      kind: 'gradient-boosting' as const,
      split: SPLIT,
    });
    for (const phase of ['read', 'encode', 'fit', 'threshold', 'evaluate', 'save']) assert.ok(phases.has(phase), phase);
    const candidate = JSON.parse(await readFile(report.candidatePath, 'utf8')) as CandidateFile;
    assert.equal(candidate.name, 'gradient-boosting');
    assert.equal(candidate.metrics.testAuc, report.testAuc);
  });

  it('cancelling trainLoanModel while its thread fits stops it with a CancelledFailure', async () => {
    const config = { dataDir: dir, runsDir: join(dir, 'runs'), modelStoreDir: join(dir, 'models') };
    const env = new MockActivityEnvironment({ workflowExecution: { workflowId: 'fit-cancel', runId: 'r' } });
    env.on('heartbeat', (details: { phase?: string }) => {
      if (details?.phase === 'fit') env.cancel();
    });
    const activities = createLoanTrainingActivities(config);
    await assert.rejects(
      env.run((args: TrainArgs) => activities.trainLoanModel(args), {
        goldPath,
        kind: 'random-forest' as const,
        split: SPLIT,
      }),
      (err) => err instanceof CancelledFailure,
    );
    const candidate = join(runWorkspace(config.runsDir, 'fit-cancel'), 'candidates', 'random-forest.json');
    await assert.rejects(access(candidate), 'a cancelled fit writes no candidate');
  });
});
