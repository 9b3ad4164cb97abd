/**
 * Loan-default benchmark (not a test) on the real CS611 files: workflow wall times on a real Temporal dev server,
 * and model quality / fit time against scikit-learn on the project's own gold table. Writes bench/results/loan.md
 * and prints it.
 *
 *   npx tsx bench/loan.ts [--runs 3] [--repeats 3] [--no-sklearn] [--scales 1,10,100] [--out FILE.md]
 *
 * Needs ../shared/datasets/loan next to the repo (the four course CSVs); it is symlinked into a temporary DATA_DIR,
 * never copied. Four jobs, one module each under bench/loan/:
 * 1. workflows.ts: each of the `--runs` lifecycles gets a fresh DATA_DIR, model store and worker (so fresh lakehouse
 *    layers: nothing is reused between runs) and executes loanTrainingWorkflow, loanInferenceWorkflow (2024-06) and
 *    loanMonitoringWorkflow (2024-06, no retraining). Per-stage times come from the workflow histories.
 * 2. models.ts: on the gold table of the last run, our three classifiers (the specs and encoding of the
 *    trainLoanModel activity) fitted in-process on the stratified 80/20 split (seed 42);
 * 3. models.ts: each trainLoanModel activity run alone in-process (MockActivityEnvironment);
 * 4. sklearn.ts: scikit-learn's peers (bench/loan_sklearn.py in bench/.venv, created if missing, OMP_NUM_THREADS=1)
 *    on the same split, exported as CSV matrices.
 * 5. scale.ts (only with --scales): training through the API at each scale (the files replicated N times) on a
 *    fresh stack: time, peak memory of all processes, /health latency during the run (also bench/loan-scale.ts).
 * report.ts and workflow-tables.ts write the Markdown.
 */
import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';

import { fitBenchOptions, positiveInteger } from './support/args.js';
import { runIfEntry } from './support/entry.js';
import { loadAverage, writeReport } from './support/report.js';
import { runQuality } from './loan/models.js';
import { report } from './loan/report.js';
import { DEFAULT_OUT, requireRealData } from './loan/setup.js';
import { runWorkflows } from './loan/workflows.js';
import { runScale, scaleReport, type ScaleRun } from './loan/scale.js';
import { parseScales } from './loan-scale.js';

async function main(): Promise<void> {
  const loadAtStart = loadAverage();
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '3' },
      scales: { type: 'string' },
      ...fitBenchOptions(DEFAULT_OUT),
    },
  });
  const runs = positiveInteger('runs', values.runs);
  const repeats = positiveInteger('repeats', values.repeats);
  await requireRealData();
  const roots: string[] = [];
  try {
    const lifecycles = await runWorkflows(runs, roots);
    const quality = await runQuality(lifecycles[lifecycles.length - 1], repeats, !values['no-sklearn']);
    const scaleRuns: ScaleRun[] = [];
    for (const scale of values.scales ? parseScales(values.scales) : [])
      scaleRuns.push(await runScale(scale, 1, { sklearn: !values['no-sklearn'] }));
    const markdown = [
      report({ runs: lifecycles, quality, repeats, loadAtStart }),
      ...(scaleRuns.length > 0 ? [scaleReport(scaleRuns, 1, loadAtStart)] : []),
    ].join('\n');
    await writeReport(values.out, markdown);
    console.log(`\n${markdown}`);
  } finally {
    for (const root of roots) await rm(root, { recursive: true, force: true });
  }
}

runIfEntry(import.meta.url, main);
