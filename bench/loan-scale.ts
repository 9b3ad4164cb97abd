/**
 * Loan training at scale, through the API (not a test): for each scale (1 = the CS611 files, N = those
 * files replicated N times, bench/loan/replicate.ts), a fresh stack as `npm start` runs it (dev server, API,
 * worker processes), one `POST /runs/loan-training`, and while it runs: `GET /health` one request after
 * another (latency p50/p99/max: is the API still answering while both cores fit?) and the resident memory of
 * every process of the stack (peak of the sum, peak per process). Writes bench/results/loan-scale.md.
 *
 *   npx tsx bench/loan-scale.ts [--scales 1,10] [--workers 1] [--no-sklearn] [--out FILE.md]
 *
 * After each scale (its stack stopped), scikit-learn fits its three peers on the same encoded gold, one core
 * (bench/loan/scale-sklearn.ts; bench/.venv is created when missing); --no-sklearn skips it.
 *
 * Needs ../shared/datasets/loan next to the repo (symlinked at 1×; the replicas are written to a temp dir).
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { requireRealData } from './loan/setup.js';
import { runScale, scaleReport, type ScaleRun } from './loan/scale.js';
import { positiveInteger } from './support/args.js';
import { runIfEntry } from './support/entry.js';
import { loadAverage, writeReport } from './support/report.js';

const DEFAULT_OUT = fileURLToPath(new URL('./results/loan-scale.md', import.meta.url));

/** "1,10,100" → [1, 10, 100]. */
export function parseScales(value: string): number[] {
  return value.split(',').map((s) => positiveInteger('scales', s.trim()));
}

async function main(): Promise<void> {
  const loadAtStart = loadAverage();
  const { values } = parseArgs({
    options: {
      scales: { type: 'string', default: '1,10' },
      workers: { type: 'string', default: '1' },
      'no-sklearn': { type: 'boolean', default: false },
      out: { type: 'string', default: DEFAULT_OUT },
    },
  });
  const scales = parseScales(values.scales);
  const workers = positiveInteger('workers', values.workers);
  await requireRealData();
  const runs: ScaleRun[] = [];
  for (const scale of scales) runs.push(await runScale(scale, workers, { sklearn: !values['no-sklearn'] }));
  const markdown = scaleReport(runs, workers, loadAtStart);
  await writeReport(values.out, markdown);
  console.log(`\n${markdown}`);
}

runIfEntry(import.meta.url, main);
