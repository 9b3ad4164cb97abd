/**
 * Benchmark (not a test): fit time and test AUC of src/ml's three classifiers vs scikit-learn on the same table.
 *
 *   npx tsx bench/classifiers.ts                                  # synthetic 10,000 × 30 loan table (seeded)
 *   npx tsx bench/classifiers.ts data/gold/loans.parquet --label default [--drop id,applied_at]
 *   options: --label COL  --drop A,B  --test-fraction 0.2  --seed 42  --repeats 3  --no-sklearn  --out FILE.md
 *
 * A Parquet or CSV table is read with DuckDB (bench/classifiers/table.ts); numeric/boolean columns except the label
 * become features, other columns are dropped (and listed). Without one, the synthetic table of
 * bench/classifiers/synthetic-loans.ts. Both sides use the same stratified train/test rows. scikit-learn runs through
 * bench/.venv/bin/python bench/classifiers_sklearn.py with OMP_NUM_THREADS=1, so both sides use one core.
 * Results go to bench/results/classifiers.md (times are medians over --repeats fits; the first fit includes JIT warm-up).
 */
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { fitClassifier, predictProba, type ClassifierSpec } from '../src/ml/classifiers.js';
import { rocAuc } from '../src/ml/metrics.js';
import { stratifiedSplit } from '../src/ml/split.js';
import { fitBenchOptions, positiveInteger } from './support/args.js';
import {
  comparedRows,
  fitCells,
  fitSummary,
  FAMILY_TITLES,
  FIT_COLUMNS,
  type BenchRow,
} from './support/classifier-rows.js';
import { runIfEntry } from './support/entry.js';
import { labelledCsv, withTempDir } from './support/files.js';
import { markdownTable } from './support/markdown.js';
import { hasVenv, runSklearnScript } from './support/python.js';
import { cpuModel, loadAverage, today, writeReport } from './support/report.js';
import { timeFits } from './support/timing.js';
import { syntheticLoans } from './classifiers/synthetic-loans.js';
import { loadTable, type Table } from './classifiers/table.js';

export { syntheticLoans };

interface ClassifierRow extends BenchRow {
  modelKb?: number;
  predictMs?: number;
}

/** Column name of the label in the CSV handed to Python. */
const LABEL_NAME = '__label__';
const DEFAULT_OUT = fileURLToPath(new URL('./results/classifiers.md', import.meta.url));

function runOurs(table: Table, train: number[], test: number[], seed: number, repeats: number): ClassifierRow[] {
  const XTrain = train.map((i) => table.rows[i]);
  const yTrain = train.map((i) => table.labels[i]);
  const XTest = test.map((i) => table.rows[i]);
  const yTest = test.map((i) => table.labels[i]);
  const specs: { impl: string; spec: ClassifierSpec }[] = [
    { impl: 'ours: Newton/IRLS, L2 C=1, standardised', spec: { kind: 'logistic-regression' } },
    { impl: 'ours: histogram CART forest, sqrt features', spec: { kind: 'random-forest', options: { seed } } },
    { impl: 'ours: histogram GB (100 iter, 31 leaves)', spec: { kind: 'gradient-boosting', options: { seed } } },
  ];
  return specs.map(({ impl, spec }) => {
    const { fitted, timing } = timeFits(() => fitClassifier(spec, XTrain, yTrain), repeats);
    const predictStart = performance.now();
    const proba = predictProba(fitted, XTest);
    const predictMs = performance.now() - predictStart;
    const modelKb = JSON.stringify(fitted).length / 1024;
    return { model: spec.kind, impl, ...timing, testAuc: rocAuc(yTest, proba), modelKb, predictMs };
  });
}

/** scikit-learn on the same rows, or null (with a warning) without bench/.venv. */
async function runSklearn(spec: object, workDir: string): Promise<{ version: string; rows: BenchRow[] } | null> {
  if (!hasVenv()) {
    console.warn('bench/.venv not found: skipping scikit-learn');
    return null;
  }
  const parsed = await runSklearnScript<{ sklearn: string; results: BenchRow[] }>(
    'classifiers_sklearn.py',
    spec,
    workDir,
  );
  return { version: parsed.sklearn, rows: parsed.results };
}

function formatTable(ours: ClassifierRow[], theirs: ClassifierRow[]): string {
  const rows = comparedRows(ours, theirs).map(({ family, row, delta }) => [
    FAMILY_TITLES[family],
    row.impl,
    ...fitCells(row),
    delta,
    row.modelKb?.toFixed(0) ?? '',
    row.predictMs?.toFixed(1) ?? '',
  ]);
  const header = `Model | Implementation | ${FIT_COLUMNS} | ΔAUC vs sklearn | Model JSON KB | Predict ms`;
  return markdownTable(header, 'llrrrrrrr', rows);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      label: { type: 'string' },
      drop: { type: 'string', default: '' },
      'test-fraction': { type: 'string', default: '0.2' },
      seed: { type: 'string', default: '42' },
      ...fitBenchOptions(DEFAULT_OUT),
    },
  });
  const seed = Number(values.seed);
  const repeats = positiveInteger('repeats', values.repeats);
  const dataPath = positionals[0];
  const drop = values.drop.split(',').filter(Boolean);
  const table = dataPath ? await loadTable(dataPath, values.label, drop) : syntheticLoans(10_000, seed);
  if (!table.labels.every((v) => v === 0 || v === 1)) throw new Error('label must be 0/1 without missing values');
  const { train, test } = stratifiedSplit(table.labels, Number(values['test-fraction']), seed);
  const positives = table.labels.reduce<number>((a, b) => a + b, 0) / table.labels.length;
  const missingShare =
    table.rows.reduce((s, row) => s + row.filter(Number.isNaN).length, 0) / (table.rows.length * table.features.length);
  console.log(
    `${table.source}: ${table.rows.length} rows, ${table.features.length} features, ${(100 * positives).toFixed(1)}% positives`,
  );

  const ours = runOurs(table, train, test, seed, repeats);
  for (const r of ours) console.log(fitSummary(r));

  const sklearn = values['no-sklearn']
    ? null
    : await withTempDir('bench-classifiers-', async (workDir) => {
        const csvPath = join(workDir, 'table.csv');
        await writeFile(csvPath, labelledCsv([LABEL_NAME, ...table.features], table.labels, table.rows));
        const spec = { data: csvPath, format: 'csv', label: LABEL_NAME, features: table.features, train, test };
        return runSklearn({ ...spec, seed, repeats }, workDir);
      });
  for (const r of sklearn?.rows ?? []) console.log(fitSummary(r));

  const markdown = [
    '# Classifier benchmark: src/ml vs scikit-learn',
    '',
    `Generated by \`npx tsx bench/classifiers.ts${dataPath ? ` ${dataPath}` : ''}\` on ${today()}.`,
    '',
    `- Data: ${table.source}; ${table.rows.length} rows × ${table.features.length} features, ` +
      `${(100 * positives).toFixed(1)}% positives, ${(100 * missingShare).toFixed(2)}% missing cells` +
      (table.dropped.length ? `; dropped columns (non-numeric or --drop): ${table.dropped.join(', ')}` : ''),
    `- Split: stratified, ${train.length} train / ${test.length} test rows (seed ${seed}); identical rows for both sides`,
    `- Machine: ${cpuModel()} (${cpus().length} cores; load average ${loadAverage().toFixed(1)} at the end), ` +
      `Node ${process.version}${sklearn ? `, scikit-learn ${sklearn.version}` : ''}; everything single-threaded (OMP_NUM_THREADS=1)`,
    `- Fit time: wall-clock median of ${repeats} fits after a first "cold" fit (ours: includes JIT warm-up); ` +
      'CPU s is process CPU time, less sensitive to other load on a shared machine. ' +
      'Model JSON KB (JSON.stringify size) and predict ms (whole test set) are for our models.',
    '- sklearn logistic regression and exact GradientBoostingClassifier need a mean imputer; ours impute internally.',
    '',
    formatTable(ours, sklearn?.rows ?? []),
    '',
  ].join('\n');
  await writeReport(values.out, markdown);
  console.log(`\n${formatTable(ours, sklearn?.rows ?? [])}`);
}

// Run only when executed directly, so the synthetic table can be imported elsewhere.
runIfEntry(import.meta.url, main);
