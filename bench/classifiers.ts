/**
 * Benchmark (not a test): fit time and test AUC of src/ml's three classifiers vs scikit-learn on the same table.
 *
 *   npx tsx bench/classifiers.ts                                  # synthetic 10,000 × 30 loan table (seeded)
 *   npx tsx bench/classifiers.ts data/gold/loans.parquet --label default [--drop id,applied_at]
 *   options: --label COL  --drop A,B  --test-fraction 0.2  --seed 42  --repeats 3  --no-sklearn  --out FILE.md
 *
 * A Parquet or CSV table is read with DuckDB; numeric/boolean columns except the label become features, other columns
 * are dropped (and listed). Both sides use the same stratified train/test rows. scikit-learn runs through
 * bench/.venv/bin/python bench/classifiers_sklearn.py with OMP_NUM_THREADS=1, so both sides use one core.
 * Results go to bench/results/classifiers.md (times are medians over --repeats fits; the first fit includes JIT warm-up).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';

import { fitClassifier, predictProba, type ClassifierSpec } from '../src/ml/classifiers.js';
import { rocAuc } from '../src/ml/metrics.js';
import { mulberry32 } from '../src/ml/prng.js';
import { stratifiedSplit } from '../src/ml/split.js';

interface Table {
  /** Human-readable source (the path as given, or "synthetic ..."). */
  source: string;
  features: string[];
  rows: number[][];
  labels: number[];
  dropped: string[];
}

interface BenchRow {
  model: string;
  impl: string;
  /** First fit of the process (includes JIT warm-up for ours). */
  coldSeconds: number;
  fitSeconds: number[];
  /** Process CPU time per timed fit: less sensitive than wall time to other load on a shared machine. */
  fitCpuSeconds: number[];
  testAuc: number;
  modelKb?: number;
  predictMs?: number;
}

const LABEL_CANDIDATES = ['default', 'is_default', 'defaulted', 'loan_default', 'label', 'target', 'y'];
const FAMILY_TITLES: Record<string, string> = {
  'logistic-regression': 'Logistic regression',
  'random-forest': 'Random forest (100 trees)',
  'gradient-boosting': 'Gradient boosting',
};

// ---------------------------------------------------------------------------------------------------------------
// Synthetic loan table

/** Standard normal via Box–Muller. */
function normal(rng: () => number): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

function poisson(rng: () => number, lambda: number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  for (let p = rng(); p > limit; p *= rng()) k++;
  return k;
}

/**
 * 10,000 × 30 loan-like table with a nonlinear signal (hinges, interactions, a U-shape, informative missingness),
 * ~29% positives, one-hot categoricals, skewed amounts and 9 pure-noise columns.
 */
export function syntheticLoans(n: number, seed: number): Table {
  const rng = mulberry32(seed);
  const features = [
    'credit_score', 'annual_income', 'loan_amount', 'debt_to_income', 'interest_rate', 'term_60m',
    'employment_years', 'open_accounts', 'delinquencies_2y', 'revolving_utilization', 'inquiries_6m', 'age',
    'home_rent', 'home_own', 'home_mortgage', 'purpose_debt_consolidation', 'purpose_credit_card',
    'purpose_home_improvement', 'purpose_other', 'has_cosigner', 'months_since_last_delinquency',
    ...Array.from({ length: 9 }, (_, k) => `noise_${k + 1}`),
  ]; // prettier-ignore
  const rows: number[][] = [];
  const logits: number[] = [];
  for (let i = 0; i < n; i++) {
    const creditScore = Math.min(850, Math.max(300, 690 + 65 * normal(rng)));
    const income = Math.exp(Math.log(62_000) + 0.5 * normal(rng));
    const loanAmount = Math.exp(Math.log(14_000) + 0.6 * normal(rng));
    const dti = Math.max(0, (0.25 * loanAmount) / income + 0.15 + 0.08 * normal(rng));
    const rate = Math.max(4, 26 - 0.02 * (creditScore - 300) + 2.5 * normal(rng));
    const term60 = rng() < 0.3 ? 1 : 0;
    const employmentMissing = rng() < 0.07;
    const employmentYears = Math.min(40, Math.floor(-6 * Math.log(1 - rng())));
    const openAccounts = poisson(rng, 8);
    const delinquencies = poisson(rng, 0.3 + (creditScore < 620 ? 0.6 : 0));
    const utilization = Math.min(1.3, Math.max(0, 0.45 + 0.25 * normal(rng) - 0.001 * (creditScore - 690)));
    const inquiries = poisson(rng, 1);
    const age = Math.round(Math.min(80, Math.max(21, 42 + 12 * normal(rng))));
    const home = rng();
    const [rent, own, mortgage] = home < 0.4 ? [1, 0, 0] : home < 0.55 ? [0, 1, 0] : [0, 0, 1];
    const purpose = rng();
    const purposes = [
      purpose < 0.45,
      purpose >= 0.45 && purpose < 0.7,
      purpose >= 0.7 && purpose < 0.82,
      purpose >= 0.82,
    ];
    const cosigner = rng() < 0.08 ? 1 : 0;
    const monthsSinceDelinquency =
      delinquencies > 0 ? Math.floor(rng() * 24) : rng() < 0.2 ? 24 + Math.floor(rng() * 60) : NaN;
    const noise = Array.from({ length: 9 }, (_, k) =>
      k < 3 ? 0.6 * normal(rng) + (0.4 * (rate - 14)) / 4 : normal(rng),
    );

    const logit =
      -0.022 * (creditScore - 690) +
      4 * Math.max(dti - 0.4, 0) +
      1.2 * dti +
      0.1 * (rate - 14) +
      0.55 * term60 +
      0.7 * term60 * (dti > 0.45 ? 1 : 0) +
      (employmentMissing ? 0.8 : employmentYears < 1 ? 0.35 : -0.01 * employmentYears) +
      0.35 * Math.min(delinquencies, 3) +
      0.6 * utilization +
      2 * Math.max(utilization - 0.85, 0) +
      0.12 * inquiries +
      0.0012 * (age - 45) ** 2 +
      0.35 * rent -
      0.2 * own +
      (purposes[1] ? -0.2 : purposes[3] ? 0.3 : 0) -
      0.6 * cosigner -
      0.45 * Math.log(income / 62_000) +
      (delinquencies > 0 && monthsSinceDelinquency < 6 ? 0.5 : 0);
    logits.push(logit);
    const row = [
      creditScore, rng() < 0.04 ? NaN : income, loanAmount, dti, rate, term60,
      employmentMissing ? NaN : employmentYears, openAccounts, delinquencies, utilization, inquiries, age,
      rent, own, mortgage, ...purposes.map(Number), cosigner, monthsSinceDelinquency, ...noise,
    ]; // prettier-ignore
    rows.push(row);
  }
  const intercept = interceptForRate(logits, 0.29);
  const labels = logits.map((z) => (rng() < 1 / (1 + Math.exp(-(z + intercept))) ? 1 : 0));
  return { source: `synthetic loans (${n} × ${features.length}, seed ${seed})`, features, rows, labels, dropped: [] };
}

/** Intercept making the mean predicted probability equal `rate` (bisection; the mean is monotone in it). */
function interceptForRate(logits: number[], rate: number): number {
  let lo = -20;
  let hi = 20;
  for (let iter = 0; iter < 100; iter++) {
    const mid = (lo + hi) / 2;
    const mean = logits.reduce((s, z) => s + 1 / (1 + Math.exp(-(z + mid))), 0) / logits.length;
    if (mean < rate) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

// ---------------------------------------------------------------------------------------------------------------
// Loading a real table

const NUMERIC_TYPE =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|REAL|DECIMAL.*|BOOLEAN)$/;

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function loadTable(path: string, labelOption: string | undefined, drop: string[]): Promise<Table> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const reader = extname(path).toLowerCase() === '.parquet' ? 'read_parquet' : 'read_csv_auto';
    const source = `${reader}('${path.replace(/'/g, "''")}')`;
    const described = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
    const columns = described
      .getRowObjectsJS()
      .map((r) => ({ name: asText(r.column_name), type: asText(r.column_type) }));
    const label = labelOption ?? columns.find((c) => LABEL_CANDIDATES.includes(c.name.toLowerCase()))?.name;
    if (!label || !columns.some((c) => c.name === label)) {
      throw new Error(`label column not found; pass --label (columns: ${columns.map((c) => c.name).join(', ')})`);
    }
    const usable = columns.filter((c) => c.name !== label && !drop.includes(c.name));
    const features = usable.filter((c) => NUMERIC_TYPE.test(c.type)).map((c) => c.name);
    const dropped = [...drop, ...usable.filter((c) => !NUMERIC_TYPE.test(c.type)).map((c) => c.name)];
    const select = [label, ...features].map((name) => `CAST(${quoteIdent(name)} AS DOUBLE) AS ${quoteIdent(name)}`);
    const result = await conn.runAndReadAll(`SELECT ${select.join(', ')} FROM ${source}`);
    const data = result.getColumnsObjectJS();
    const toNumber = (v: unknown) => (typeof v === 'number' ? v : Number.NaN);
    const labels = data[label].map(toNumber);
    const rows = labels.map((_, i) => features.map((name) => toNumber(data[name][i])));
    return { source: path, features, rows, labels, dropped };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** CSV for the Python side; NaN becomes an empty field (read back as NaN by pandas). */
function toCsv(table: Table, labelName: string): string {
  const header = [labelName, ...table.features].join(',');
  const lines = table.rows.map((row, i) =>
    [table.labels[i], ...row].map((v) => (Number.isNaN(v) ? '' : String(v))).join(','),
  );
  return `${header}\n${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// Running

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function runOurs(table: Table, train: number[], test: number[], seed: number, repeats: number): BenchRow[] {
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
    const coldStart = performance.now();
    let model = fitClassifier(spec, XTrain, yTrain);
    const coldSeconds = (performance.now() - coldStart) / 1000;
    const fitSeconds: number[] = [];
    const fitCpuSeconds: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const start = performance.now();
      const cpuStart = process.cpuUsage();
      model = fitClassifier(spec, XTrain, yTrain);
      const cpu = process.cpuUsage(cpuStart);
      fitSeconds.push((performance.now() - start) / 1000);
      fitCpuSeconds.push((cpu.user + cpu.system) / 1e6);
    }
    const predictStart = performance.now();
    const proba = predictProba(model, XTest);
    const predictMs = performance.now() - predictStart;
    return {
      model: spec.kind,
      impl,
      coldSeconds,
      fitSeconds,
      fitCpuSeconds,
      testAuc: rocAuc(yTest, proba),
      modelKb: JSON.stringify(model).length / 1024,
      predictMs,
    };
  });
}

async function runSklearn(spec: object, workDir: string): Promise<{ version: string; rows: BenchRow[] } | null> {
  const python = fileURLToPath(new URL('./.venv/bin/python', import.meta.url));
  const script = fileURLToPath(new URL('./classifiers_sklearn.py', import.meta.url));
  if (!existsSync(python)) {
    console.warn('bench/.venv not found: skipping scikit-learn');
    return null;
  }
  const specPath = join(workDir, 'spec.json');
  await writeFile(specPath, JSON.stringify(spec));
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const { stdout } = await promisify(execFile)(python, [script, specPath], { env, maxBuffer: 64 * 1024 * 1024 });
  const parsed = JSON.parse(stdout) as { sklearn: string; results: BenchRow[] };
  return { version: parsed.sklearn, rows: parsed.results };
}

function signed(value: number): string {
  if (Math.abs(value) < 0.00005) return '0.0000';
  return `${value > 0 ? '+' : ''}${value.toFixed(4)}`;
}

function formatTable(ours: BenchRow[], theirs: BenchRow[]): string {
  const lines = [
    '| Model | Implementation | Fit s (median) | CPU s (median) | Cold fit s | Test AUC | ΔAUC vs sklearn | Model JSON KB | Predict ms |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const family of Object.keys(FAMILY_TITLES)) {
    const sklearnSame = theirs.find((r) => r.model === family);
    for (const row of [...ours, ...theirs].filter((r) => r.model === family)) {
      const isOurs = ours.includes(row);
      const delta = isOurs && sklearnSame ? signed(row.testAuc - sklearnSame.testAuc) : '';
      lines.push(
        `| ${FAMILY_TITLES[family]} | ${row.impl} | ${median(row.fitSeconds).toFixed(3)} | ${median(row.fitCpuSeconds).toFixed(3)} | ${row.coldSeconds.toFixed(3)} | ` +
          `${row.testAuc.toFixed(4)} | ${delta} | ${row.modelKb?.toFixed(0) ?? ''} | ${row.predictMs?.toFixed(1) ?? ''} |`,
      );
    }
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      label: { type: 'string' },
      drop: { type: 'string', default: '' },
      'test-fraction': { type: 'string', default: '0.2' },
      seed: { type: 'string', default: '42' },
      repeats: { type: 'string', default: '3' },
      'no-sklearn': { type: 'boolean', default: false },
      out: { type: 'string' },
    },
  });
  const seed = Number(values.seed);
  const repeats = Math.max(1, Number(values.repeats));
  const dataPath = positionals[0];
  const drop = values.drop.split(',').filter(Boolean);
  const table = dataPath ? await loadTable(dataPath, values.label, drop) : syntheticLoans(10_000, seed);
  const labelName = '__label__'; // column name in the CSV handed to Python
  if (!table.labels.every((v) => v === 0 || v === 1)) throw new Error('label must be 0/1 without missing values');
  const { train, test } = stratifiedSplit(table.labels, Number(values['test-fraction']), seed);
  const positives = table.labels.reduce<number>((a, b) => a + b, 0) / table.labels.length;
  const missingShare =
    table.rows.reduce((s, row) => s + row.filter(Number.isNaN).length, 0) / (table.rows.length * table.features.length);
  console.log(
    `${table.source}: ${table.rows.length} rows, ${table.features.length} features, ${(100 * positives).toFixed(1)}% positives`,
  );

  const ours = runOurs(table, train, test, seed, repeats);
  for (const r of ours) console.log(`${r.impl}: fit ${median(r.fitSeconds).toFixed(3)} s, AUC ${r.testAuc.toFixed(4)}`);

  const workDir = await mkdtemp(join(tmpdir(), 'bench-classifiers-'));
  let sklearn: Awaited<ReturnType<typeof runSklearn>> = null;
  try {
    if (!values['no-sklearn']) {
      const csvPath = join(workDir, 'table.csv');
      await writeFile(csvPath, toCsv(table, labelName));
      sklearn = await runSklearn(
        { data: csvPath, format: 'csv', label: labelName, features: table.features, train, test, seed, repeats },
        workDir,
      );
      for (const r of sklearn?.rows ?? [])
        console.log(`${r.impl}: fit ${median(r.fitSeconds).toFixed(3)} s, AUC ${r.testAuc.toFixed(4)}`);
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }

  const markdown = [
    '# Classifier benchmark: src/ml vs scikit-learn',
    '',
    `Generated by \`npx tsx bench/classifiers.ts${dataPath ? ` ${dataPath}` : ''}\` on ${new Date().toISOString().slice(0, 10)}.`,
    '',
    `- Data: ${table.source}; ${table.rows.length} rows × ${table.features.length} features, ` +
      `${(100 * positives).toFixed(1)}% positives, ${(100 * missingShare).toFixed(2)}% missing cells` +
      (table.dropped.length ? `; dropped columns (non-numeric or --drop): ${table.dropped.join(', ')}` : ''),
    `- Split: stratified, ${train.length} train / ${test.length} test rows (seed ${seed}); identical rows for both sides`,
    `- Machine: ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores; load average ${loadavg()[0].toFixed(1)} at the end), ` +
      `Node ${process.version}${sklearn ? `, scikit-learn ${sklearn.version}` : ''}; everything single-threaded (OMP_NUM_THREADS=1)`,
    `- Fit time: wall-clock median of ${repeats} fits after a first "cold" fit (ours: includes JIT warm-up); ` +
      'CPU s is process CPU time, less sensitive to other load on a shared machine. ' +
      'Model JSON KB (JSON.stringify size) and predict ms (whole test set) are for our models.',
    '- sklearn logistic regression and exact GradientBoostingClassifier need a mean imputer; ours impute internally.',
    '',
    formatTable(ours, sklearn?.rows ?? []),
    '',
  ].join('\n');
  const outPath = values.out ?? fileURLToPath(new URL('./results/classifiers.md', import.meta.url));
  await mkdir(join(outPath, '..'), { recursive: true });
  await writeFile(outPath, markdown);
  console.log(`\n${formatTable(ours, sklearn?.rows ?? [])}`);
}

// Run only when executed directly, so the synthetic table can be imported elsewhere.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
