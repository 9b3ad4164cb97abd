/**
 * Prediction latency over HTTP (not a test): the whole stack as `npm start` runs it (support/child-stack.ts:
 * dist/main.js in a process of its own, so dev server, worker, API on a port), models trained through the API on the real data (Mall customers: K-Means and GMM; the CS611 loan
 * files: the champion), then `POST /models/:id/predict` timed from a client after a warm-up: one row and 1,000
 * rows (sent as rows and as columns), p50 and p99. Writes bench/results/predict.md and prints it.
 *
 *   npx tsx bench/predict.ts [--requests 2000] [--batches 200] [--out FILE.md]
 *
 * Needs ../shared/datasets next to the repo; its files are symlinked into a temporary DATA_DIR, never copied.
 */
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { withDuckDb } from '../src/storage/duckdb.js';
import { positiveInteger } from './support/args.js';
import { runIfEntry } from './support/entry.js';
import { percentile, postJson, timeRequests, waitForRun } from './predict/http.js';
import { predictReport, type PredictCase } from './predict/report.js';
import { cpuModel, loadAverage, writeReport } from './support/report.js';
import { startChildStack } from './support/child-stack.js';

const SHARED = fileURLToPath(new URL('../../shared/datasets/', import.meta.url));
const DEFAULT_OUT = fileURLToPath(new URL('./results/predict.md', import.meta.url));
const MALL_FEATURES = ['Annual Income (k$)', 'Spending Score (1-100)'];

/** The rows as the body's `columns`: an array per column name (null where a row lacks the column). */
function asColumns(rows: Record<string, unknown>[]): Record<string, unknown[]> {
  const names = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return Object.fromEntries(names.map((name) => [name, rows.map((row) => row[name] ?? null)]));
}

function log(line: string): void {
  console.log(`[bench:predict] ${line}`);
}

async function main(): Promise<void> {
  const loadAtStart = loadAverage();
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '2000' },
      batches: { type: 'string', default: '200' },
      out: { type: 'string', default: DEFAULT_OUT },
    },
  });
  const requests = positiveInteger('requests', values.requests);
  const batches = positiveInteger('batches', values.batches);
  // One worker process: the bench measures the API's answers, not training throughput.
  const { api, stop } = await startChildStack({
    name: 'predict',
    workers: 1,
    log,
    prepare: async (dataDir) => {
      await symlink(join(SHARED, 'Mall_Customers.csv'), join(dataDir, 'Mall_Customers.csv'));
      await symlink(join(SHARED, 'loan'), join(dataDir, 'loan'));
    },
  });
  try {
    log('training K-Means, GMM (Mall) and the loan champion (CS611) through the API ...');
    const segmentation = (algorithm: string) =>
      postJson<{ runId: string }>(api, '/runs/segmentation', {
        dataset: 'Mall_Customers.csv',
        features: MALL_FEATURES,
        algorithm,
        kMin: 1,
        kMax: 10,
      });
    const started = await Promise.all([
      segmentation('kmeans'),
      segmentation('gmm'),
      postJson<{ runId: string }>(api, '/runs/loan-training', { dataset: 'loan' }),
    ]);
    const [kmeans, gmm, loan] = await Promise.all(started.map(({ runId }) => waitForRun(api, runId)));
    const mallRows = Array.from({ length: 1000 }, (_, i) => ({
      'Annual Income (k$)': 15 + (i % 123),
      'Spending Score (1-100)': 1 + ((i * 37) % 99),
    }));
    const loanResult = loan.result as { championModelId: string; goldPath: string };
    // Real applicants: the gold table's rows as the API receives them (feature name → value).
    const loanRows = await withDuckDb(async (conn) => {
      const reader = await conn.runAndReadAll(`SELECT * FROM read_parquet('${loanResult.goldPath}') LIMIT 1000`);
      return reader.getRowObjectsJson();
    });
    const models: { label: string; modelId: string; rows: Record<string, unknown>[] }[] = [
      { label: 'K-Means (Mall)', modelId: (kmeans.result as { modelId: string }).modelId, rows: mallRows },
      { label: 'GMM (Mall)', modelId: (gmm.result as { modelId: string }).modelId, rows: mallRows },
      { label: 'loan champion (CS611)', modelId: loanResult.championModelId, rows: loanRows },
    ];
    const cases: PredictCase[] = [];
    // Each batch shape goes to the three models in turn (one request each, round after round), so the
    // machine's slow spells fall on all three alike. A batch goes both ways the API takes it: rows (an object
    // per row) and columns (an array per column).
    for (const [rowsPerRequest, count, shape] of [
      [1, requests, 'rows'],
      [1000, batches, 'rows'],
      [1000, batches, 'columns'],
    ] as const) {
      const targets = models.map((model) => {
        const rows = model.rows.slice(0, rowsPerRequest);
        return {
          path: `/models/${model.modelId}/predict`,
          body: shape === 'rows' ? { rows } : { columns: asColumns(rows) },
        };
      });
      // Warm-up first (JIT, model cache, the socket), from the client process that then times the rest.
      const times = await timeRequests(api, targets, Math.min(200, count), count);
      models.forEach((model, m) => {
        cases.push({
          model: model.label,
          modelId: model.modelId,
          rows: rowsPerRequest,
          shape,
          requests: count,
          p50: percentile(times[m], 0.5),
          p99: percentile(times[m], 0.99),
        });
        log(`${model.label}, ${rowsPerRequest} row(s) as ${shape}: p50 ${cases.at(-1)?.p50.toFixed(2)} ms`);
      });
    }
    cases.sort((a, b) => models.findIndex((m) => m.label === a.model) - models.findIndex((m) => m.label === b.model));
    const markdown = predictReport({ cases, cpu: cpuModel(), loadAtStart, loadAtEnd: loadAverage() });
    await writeReport(values.out, markdown);
    console.log(`\n${markdown}`);
  } finally {
    await stop();
  }
}

runIfEntry(import.meta.url, main);
