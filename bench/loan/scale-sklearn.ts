/**
 * scikit-learn beside the scale bench: the gold table a run built, split and encoded as the trainLoanModel
 * activity does it, exported as binary matrices while the stack still holds the run's lakehouse, then fitted by
 * bench/loan_scale_sklearn.py once the stack has stopped (a quiet machine, one core): fit seconds, test AUC and
 * the Python process's peak memory at each scale.
 */
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { FeatureColumns } from '../../src/ml/tabular-input.js';
import type { LoanSplit } from '../../src/pipelines/loan/training/contract.js';
import { fixed, markdownTable } from '../support/markdown.js';
import { ensureVenv, runSklearnScript } from '../support/python.js';
import { encodeGold } from './gold.js';

/** The exported matrices of one scale: a folder of the bench's own, removed by runSklearnAtScale. */
export interface ScaleMatrices {
  dir: string;
  spec: { train: string; test: string; trainRows: number; testRows: number; columns: number; seed: number };
}

export interface SklearnScaleFit {
  model: string;
  impl: string;
  fitSeconds: number;
  fitCpuSeconds: number;
  testAuc: number;
  peakRssBytesAfter: number;
}

export interface SklearnScaleResult {
  versions: Record<string, string>;
  loadSeconds: number;
  peakRssBytes: number;
  results: SklearnScaleFit[];
}

/** Label then features, column after column, as little-endian float64 (NaN kept): what numpy.fromfile reads. */
async function writeMatrix(path: string, x: FeatureColumns, y: Float64Array): Promise<void> {
  const file = await open(path, 'w');
  try {
    for (const column of [y, ...x.columns]) {
      await file.write(new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
    }
  } finally {
    await file.close();
  }
}

/** Encodes the run's gold under `split` and writes the training and test matrices to a new temporary folder. */
export async function exportScaleMatrices(goldPath: string, split: LoanSplit): Promise<ScaleMatrices> {
  const gold = await encodeGold(goldPath, split);
  const dir = await mkdtemp(join(tmpdir(), 'bench-loan-scale-sklearn-'));
  const spec = {
    train: join(dir, 'train.f64'),
    test: join(dir, 'test.f64'),
    trainRows: gold.xTrain.nRows,
    testRows: gold.xTest.nRows,
    columns: gold.xTrain.columns.length + 1,
    seed: 42,
  };
  await writeMatrix(spec.train, gold.xTrain, gold.yTrain);
  await writeMatrix(spec.test, gold.xTest, gold.yTest);
  return { dir, spec };
}

/** Fits scikit-learn's three peers on the exported matrices (one core), then removes them. */
export async function runSklearnAtScale(
  matrices: ScaleMatrices,
  log: (line: string) => void,
): Promise<SklearnScaleResult> {
  try {
    await ensureVenv(['sklearn', 'pandas'], ['scikit-learn', 'pandas'], log);
    return await runSklearnScript<SklearnScaleResult>('loan_scale_sklearn.py', matrices.spec, matrices.dir);
  } finally {
    await rm(matrices.dir, { recursive: true, force: true });
  }
}

/** The report's section: per scale, ours (through the API) beside scikit-learn's bare fits. */
export function sklearnScaleSection(
  runs: readonly {
    scale: number;
    seconds: number;
    newFilesSeconds: number;
    fitStageSeconds: number;
    peakBytes: number;
    aucs: Record<string, number>;
    sklearn?: SklearnScaleResult;
  }[],
): string[] {
  const compared = runs.filter((r) => r.sklearn !== undefined);
  if (compared.length === 0) return [];
  const mb = (bytes: number) => fixed(bytes / 1e6, 0);
  const rows = compared.flatMap((r) => {
    const sk = r.sklearn!;
    const sum = sk.results.reduce((total, fit) => total + fit.fitSeconds, 0);
    const best = Number.isNaN(r.newFilesSeconds) ? r.seconds : Math.min(r.seconds, r.newFilesSeconds);
    return [
      [
        `${r.scale}×`,
        'ours, through the API',
        `${fixed(best)} end to end; fits stage ${fixed(r.fitStageSeconds)}`,
        `${mb(r.peakBytes)} (all processes)`,
        Object.entries(r.aucs)
          .map(([name, auc]) => `${name} ${fixed(auc, 4)}`)
          .join(', '),
      ],
      [
        `${r.scale}×`,
        `scikit-learn ${sk.versions.sklearn}, bare fits`,
        `${fixed(sum)} for the three fits (${sk.results.map((fit) => `${fit.model} ${fixed(fit.fitSeconds)}`).join(', ')})`,
        `${mb(sk.peakRssBytes)} (its process)`,
        sk.results.map((fit) => `${fit.model} ${fixed(fit.testAuc, 4)}`).join(', '),
      ],
    ];
  });
  return [
    '## Beside scikit-learn',
    '',
    "After each scale's runs, the gold table of its last run is encoded as the trainLoanModel activity encodes it",
    '(the same out-of-time split) and handed to scikit-learn as binary matrices, once the stack has stopped.',
    "scikit-learn fits its three peers (bench/loan_sklearn.py's: LogisticRegression with median imputation and",
    'scaling, RandomForestClassifier(100 trees, min leaf 5), HistGradientBoostingClassifier with early stopping)',
    'one after another on one core (OMP_NUM_THREADS=1), from matrices already in memory: no CSV, no medallion',
    "layers, no Temporal. Its memory is the Python process's peak (the matrices loaded and the fits). Ours is the",
    'whole run through the API on both cores (the better of the first and the new-files run) and the peak of every',
    'process of the stack; "fits stage" is the trainLoanModel span of the first run (three fits on two threads).',
    '',
    markdownTable('Scale | Side | Seconds | Peak MB | Test AUC', 'lllrl', rows),
    '',
  ];
}
