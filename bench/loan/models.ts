/**
 * Jobs 2 and 3: on the gold table of the last run, our three classifiers fitted in-process as trainLoanModel fits
 * them, and each trainLoanModel activity run alone (MockActivityEnvironment) to compare with its time inside the
 * workflow, where the three share the worker's one JavaScript thread. Then job 4, scikit-learn on the same rows.
 */
import { MockActivityEnvironment } from '@temporalio/testing';

import type { AppConfig } from '../../src/config.js';
import { fitClassifier, predictProba } from '../../src/ml/classifiers.js';
import { rocAuc } from '../../src/ml/metrics.js';
import { LOAN_MODEL_KINDS, type LoanModelKind } from '../../src/pipelines/loan/contract.js';
import { LOAN_MODEL_SPECS } from '../../src/pipelines/loan/model.js';
import { createLoanTrainingActivities } from '../../src/pipelines/loan/training/activities.js';
import type { BenchRow } from '../support/classifier-rows.js';
import { fixed } from '../support/markdown.js';
import { median } from '../support/stats.js';
import { secondsSince, timeFits } from '../support/timing.js';
import { encodeGold, type EncodedGold } from './gold.js';
import { OUR_IMPLEMENTATIONS, SPLIT, log } from './setup.js';
import { runSklearn, type SklearnOutput } from './sklearn.js';
import type { LifecycleRun } from './workflows.js';

export interface QualityReport {
  gold: EncodedGold;
  ours: BenchRow[];
  aloneSeconds: Record<LoanModelKind, number>;
  sklearn: SklearnOutput | null;
}

/** Times fitClassifier as trainLoanModel calls it: a cold first fit, then `repeats` timed fits (wall and CPU). */
function benchOurs(kind: LoanModelKind, gold: EncodedGold, repeats: number): BenchRow {
  const impute = kind === 'logistic-regression';
  const xTrain = impute ? gold.xTrainImputed : gold.xTrain;
  const xTest = impute ? gold.xTestImputed : gold.xTest;
  const spec = LOAN_MODEL_SPECS[kind];
  const { fitted, timing } = timeFits(() => fitClassifier(spec, xTrain, gold.yTrain), repeats);
  const testAuc = rocAuc(gold.yTest, predictProba(fitted, xTest));
  return { model: kind, impl: OUR_IMPLEMENTATIONS[kind], ...timing, testAuc };
}

/** The whole trainLoanModel activity (read gold, encode, fit, tune threshold, PSI, write candidate), run alone. */
async function timeActivityAlone(config: AppConfig, goldPath: string, kind: LoanModelKind): Promise<number> {
  const activities = createLoanTrainingActivities(config);
  const env = new MockActivityEnvironment({ workflowExecution: { workflowId: `bench-alone-${kind}`, runId: 'bench' } });
  const started = performance.now();
  await env.run((args: Parameters<typeof activities.trainLoanModel>[0]) => activities.trainLoanModel(args), {
    goldPath,
    kind,
    split: SPLIT,
  });
  return secondsSince(started);
}

export async function runQuality(last: LifecycleRun, repeats: number, withSklearn: boolean): Promise<QualityReport> {
  const gold = await encodeGold(last.training.goldPath);
  log(`gold: ${gold.labelled} labelled loans, ${gold.featureNames.length} encoded features`);
  const ours: BenchRow[] = [];
  const aloneSeconds = {} as Record<LoanModelKind, number>;
  for (const kind of LOAN_MODEL_KINDS) {
    const row = benchOurs(kind, gold, repeats);
    ours.push(row);
    aloneSeconds[kind] = await timeActivityAlone(last.config, last.training.goldPath, kind);
    log(`ours ${kind}: fit ${fixed(median(row.fitSeconds), 3)} s, activity alone ${fixed(aloneSeconds[kind])} s`);
  }
  const sklearn = withSklearn ? await runSklearn(gold, repeats) : null;
  return { gold, ours, aloneSeconds, sklearn };
}
