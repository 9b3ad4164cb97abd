/**
 * Job 4: scikit-learn's peers (bench/loan_sklearn.py) on exactly our encoded matrices, exported as CSV. The venv is
 * created when missing.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { FeatureColumns } from '../../src/ml/tabular-input.js';
import type { BenchRow } from '../support/classifier-rows.js';
import { labelledCsv, withTempDir } from '../support/files.js';
import { ensureVenv, runSklearnScript } from '../support/python.js';
import type { EncodedGold } from './gold.js';
import { SEED, log } from './setup.js';

export interface SklearnOutput {
  versions: Record<string, string>;
  results: BenchRow[];
}

/** CSV for the Python side: label, then the encoded features as f0..fN (NaN → empty field). */
function matrixCsv(x: FeatureColumns, y: ArrayLike<number>): string {
  const rows = Array.from({ length: x.nRows }, (_, i) => Float64Array.from(x.columns, (column) => column[i]));
  return labelledCsv(['label', ...x.columns.map((_, j) => `f${j}`)], Array.from(y), rows);
}

export async function runSklearn(gold: EncodedGold, repeats: number): Promise<SklearnOutput> {
  await ensureVenv(['sklearn', 'pandas', 'pyarrow'], ['scikit-learn', 'pandas', 'pyarrow'], log);
  return withTempDir('bench-loan-sklearn-', async (workDir) => {
    const spec = { train: join(workDir, 'train.csv'), test: join(workDir, 'test.csv'), seed: SEED, repeats };
    await writeFile(spec.train, matrixCsv(gold.xTrain, gold.yTrain));
    await writeFile(spec.test, matrixCsv(gold.xTest, gold.yTest));
    return runSklearnScript<SklearnOutput>('loan_sklearn.py', spec, workDir);
  });
}
