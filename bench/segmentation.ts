/**
 * Segmentation benchmark (not a test): our K-Means / Gaussian-mixture sweeps against scikit-learn's (and ml-kmeans,
 * the JavaScript peer), same data, same machine, in one run, bare compute and end to end through the API.
 * Writes bench/results/segmentation.md and prints it.
 *
 *   npx tsx bench/segmentation.ts [--seeds 10] [--repeats 3] [--our-seeds 5] [--api-repeats 3] [--no-older-sklearn]
 *
 * (a) Mall customers (../shared/datasets/Mall_Customers.csv next to the repo, skipped when absent): Annual Income
 *     + Spending Score, min-max scaled, K-Means k = 1..50, nInit = 10; SSE curve and its Kneedle elbow.
 * (b) 8,950 credit-card customers from the product's own generator (src/sample-data/segmentation/credit-card.ts:
 *     heavy-tailed BALANCE / PURCHASES, round CREDIT_LIMITs, like the public data), min-max scaled, Gaussian
 *     mixture k = 1..20, nInit = 1 on both sides (scikit-learn's default); BIC curve and its elbow.
 * Bare compute: `--repeats` sweeps per side with seed 0 on one core (wall and CPU time; our first sweep includes
 * JIT warm-up). Through the API: the stack as `npm start` runs it (one worker process, its compute threads on
 * every core), one warm-up run and `--api-repeats` timed runs, POST to completed.
 * Quality: scikit-learn is run with `--seeds` random states to get the median (and spread) per k; ours with
 * `--our-seeds` seeds to show the result does not hinge on one lucky seed. The report: bench/segmentation/report.ts.
 * Needs the Python venv at bench/.venv (scikit-learn, kneed, pandas); scikit-learn runs with OMP_NUM_THREADS=1.
 * The timed sweeps also run with scikit-learn 1.2 (bench/.venv-sklearn-1.2, created when missing), so "faster than
 * scikit-learn" means faster than its fastest release here, not only its newest.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { fitGmm } from '../src/ml/gmm.js';
import { fitKMeans } from '../src/ml/kmeans.js';
import { positiveInteger } from './support/args.js';
import { runIfEntry } from './support/entry.js';
import { withTempDir } from './support/files.js';
import { OLDER_SKLEARN, ensureVenv, requireVenv, runSklearnScript } from './support/python.js';
import { writeReport } from './support/report.js';
import { range } from './support/stats.js';
import { timeRepeats } from './support/timing.js';
import { timeThroughApi, type ApiWorkload } from './segmentation/api.js';
import { creditCardCsv, csvColumns, minMaxScaled, readCsvColumns } from './segmentation/data.js';
import { mlKMeansSse } from './segmentation/peers.js';
import { elbow, report, type SweepResult, type Workload } from './segmentation/report.js';

const MALL_CSV = fileURLToPath(new URL('../../shared/datasets/Mall_Customers.csv', import.meta.url));
const MALL_COLUMNS = ['Annual Income (k$)', 'Spending Score (1-100)'];
const CREDIT_COLUMNS = ['BALANCE', 'PURCHASES', 'CREDIT_LIMIT'];
const CREDIT_ROWS = 8950;
const CREDIT_SEED = 42;
const MALL_K = range(1, 50);
const CREDIT_K = range(1, 20);
const MALL_N_INIT = 10;
const CREDIT_N_INIT = 1;
const RESULTS = fileURLToPath(new URL('./results/segmentation.md', import.meta.url));

interface SklearnOutput {
  versions: Record<string, string>;
  mall: SweepResult | null;
  credit: SweepResult;
}

/** Times `repeats` sweeps with seed 0, then runs the other seeds untimed. */
function ourSweep(
  score: (k: number, seed: number) => number,
  ks: number[],
  seeds: number,
  repeats: number,
): SweepResult {
  const { seconds, cpuSeconds, last } = timeRepeats(repeats, () => ks.map((k) => score(k, 0)));
  const curves = [last, ...range(1, seeds - 1).map((seed) => ks.map((k) => score(k, seed)))];
  return { curves, knees: curves.map((curve) => elbow(ks, curve)), seconds, cpuSeconds };
}

/**
 * The same sweeps (seed 0 only) with the older scikit-learn of its own venv, created when missing: newer is not
 * always faster (1.2's GaussianMixture beat 1.9's on real credit-card data). A failed install is a warning.
 */
async function olderSklearnTimes(spec: object, workDir: string): Promise<SklearnOutput | null> {
  const log = (line: string) => console.error(line);
  try {
    await ensureVenv(OLDER_SKLEARN.modules, OLDER_SKLEARN.packages, log, OLDER_SKLEARN.dir);
    log('scikit-learn (older release) …');
    return await runSklearnScript<SklearnOutput>('segmentation_sklearn.py', spec, workDir, OLDER_SKLEARN.dir);
  } catch (err) {
    log(`warning: no older scikit-learn to compare with (${(err as Error).message.split('\n')[0]})`);
    return null;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: '10' },
      repeats: { type: 'string', default: '3' },
      'our-seeds': { type: 'string', default: '5' },
      'api-repeats': { type: 'string', default: '3' },
      'no-older-sklearn': { type: 'boolean', default: false },
    },
  });
  const apiRepeats = positiveInteger('api-repeats', values['api-repeats']);
  const seeds = positiveInteger('seeds', values.seeds);
  const repeats = positiveInteger('repeats', values.repeats);
  const ourSeeds = positiveInteger('our-seeds', values['our-seeds']);
  await withTempDir('segmentation-bench-', async (workDir) => {
    const creditText = creditCardCsv(CREDIT_ROWS, CREDIT_SEED);
    const credit = csvColumns(creditText, CREDIT_COLUMNS);
    const creditCsv = join(workDir, 'credit_card.csv');
    await writeFile(creditCsv, creditText);
    const hasMall = existsSync(MALL_CSV);

    const workloads: Workload[] = [];
    let mallOurs: SweepResult | null = null;
    let mallPeer: SweepResult | null = null;
    if (hasMall) {
      const mall = minMaxScaled(readCsvColumns(MALL_CSV, MALL_COLUMNS));
      console.error(`ours: Mall K-Means k=1..${MALL_K.length} …`);
      mallOurs = ourSweep(
        (k, seed) => fitKMeans(mall, k, { nInit: MALL_N_INIT, seed }).inertia,
        MALL_K,
        ourSeeds,
        repeats,
      );
      console.error(`ml-kmeans: Mall K-Means k=1..${MALL_K.length} …`);
      mallPeer = ourSweep((k, seed) => mlKMeansSse(mall, k, MALL_N_INIT, seed), MALL_K, ourSeeds, repeats);
    }
    const scaledCredit = minMaxScaled(credit);
    console.error(`ours: credit GMM k=1..${CREDIT_K.length} …`);
    const creditOurs = ourSweep(
      (k, seed) => fitGmm(scaledCredit, k, { nInit: CREDIT_N_INIT, seed }).bic,
      CREDIT_K,
      ourSeeds,
      repeats,
    );
    console.error('scikit-learn …');
    requireVenv(['scikit-learn', 'kneed', 'pandas']);
    const sklearn = await runSklearnScript<SklearnOutput>(
      'segmentation_sklearn.py',
      {
        seeds: range(0, seeds - 1),
        repeats,
        mall: hasMall ? { path: MALL_CSV, columns: MALL_COLUMNS, k: MALL_K, nInit: MALL_N_INIT } : null,
        credit: { path: creditCsv, columns: CREDIT_COLUMNS, k: CREDIT_K, nInit: CREDIT_N_INIT },
      },
      workDir,
    );
    const older = values['no-older-sklearn']
      ? null
      : await olderSklearnTimes(
          {
            seeds: [0],
            repeats,
            mall: hasMall ? { path: MALL_CSV, columns: MALL_COLUMNS, k: MALL_K, nInit: MALL_N_INIT } : null,
            credit: { path: creditCsv, columns: CREDIT_COLUMNS, k: CREDIT_K, nInit: CREDIT_N_INIT },
          },
          workDir,
        );
    console.error('through the API …');
    const apiWorkloads: ApiWorkload[] = [
      ...(hasMall
        ? [
            {
              csvPath: MALL_CSV,
              request: {
                features: MALL_COLUMNS,
                algorithm: 'kmeans' as const,
                kMin: 1,
                kMax: MALL_K.length,
                nInit: MALL_N_INIT,
                seed: 0,
              },
            },
          ]
        : []),
      {
        csvPath: creditCsv,
        request: {
          features: CREDIT_COLUMNS,
          algorithm: 'gmm',
          kMin: 1,
          kMax: CREDIT_K.length,
          nInit: CREDIT_N_INIT,
          seed: 0,
        },
      },
    ];
    const apiTimings = await timeThroughApi(apiWorkloads, apiRepeats, (line) => console.error(line));
    const creditApi = apiTimings[apiTimings.length - 1];
    if (mallOurs !== null && sklearn.mall !== null) {
      workloads.push({
        title: `Mall K-Means, k = 1..${MALL_K.length}, nInit = ${MALL_N_INIT}`,
        metric: 'SSE',
        ks: MALL_K,
        ours: mallOurs,
        sklearn: sklearn.mall,
        api: apiTimings[0],
        peer: mallPeer ?? undefined,
        olderSklearn: older?.mall ?? undefined,
      });
    }
    workloads.push({
      title: `Credit-card GMM (${credit.length.toLocaleString('en-US')} × 3), k = 1..${CREDIT_K.length}, nInit = ${CREDIT_N_INIT}`,
      metric: 'BIC',
      ks: CREDIT_K,
      ours: creditOurs,
      sklearn: sklearn.credit,
      api: creditApi,
      olderSklearn: older?.credit,
    });
    const markdown = report(workloads, sklearn.versions, older?.versions ?? null, {
      seeds,
      repeats,
      ourSeeds,
      apiRepeats,
      mallNInit: MALL_N_INIT,
      creditNInit: CREDIT_N_INIT,
      creditRows: CREDIT_ROWS,
      creditSeed: CREDIT_SEED,
    });
    await writeReport(RESULTS, markdown);
    console.log(markdown);
  });
}

runIfEntry(import.meta.url, main);
