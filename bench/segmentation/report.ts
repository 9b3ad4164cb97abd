/** bench/results/segmentation.md: time and quality of our sweeps against scikit-learn's, and each curve per k. */
import { findKnee } from '../../src/ml/kneedle.js';
import { markdownTable } from '../support/markdown.js';
import type { ApiTiming } from './api.js';
import { cpuModel, loadAverage, today } from '../support/report.js';
import { median, tally } from '../support/stats.js';

export interface SweepResult {
  seconds: number[];
  cpuSeconds: number[];
  /** One curve (SSE or BIC per k) per seed; the first is the timed seed 0. */
  curves: number[][];
  knees: (number | null)[];
}

export interface Workload {
  title: string;
  metric: 'SSE' | 'BIC';
  ks: number[];
  ours: SweepResult;
  sklearn: SweepResult;
  /** The same sweep (seed 0) run through the API. */
  api?: ApiTiming;
  /** The JavaScript peer (ml-kmeans) on the K-Means workload. */
  peer?: SweepResult;
  /** The timed sweeps (seed 0) with an older scikit-learn release. */
  olderSklearn?: SweepResult;
}

export interface SegmentationSettings {
  seeds: number;
  repeats: number;
  ourSeeds: number;
  apiRepeats: number;
  mallNInit: number;
  creditNInit: number;
  creditRows: number;
  creditSeed: number;
}

/** Kneedle elbow of a decreasing convex curve (S = 1), as kneed finds it on the Python side. */
export function elbow(ks: number[], curve: number[]): number | null {
  return findKnee(ks, curve, { S: 1, curve: 'convex', direction: 'decreasing' }).knee;
}

function perK(curves: number[][], reduce: (values: number[]) => number): number[] {
  return curves[0].map((_, i) => reduce(curves.map((curve) => curve[i])));
}

function counts(values: (number | null)[]): string {
  return tally(values.map(String))
    .map(([value, count]) => `${value} (${count}×)`)
    .join(', ');
}

/** Fixed decimals, without a "-0.00" for values that round to zero. */
const fmt = (v: number, digits = 2): string => (Math.abs(v) < 0.5 * 10 ** -digits ? 0 : v).toFixed(digits);

/** "No worse" with a margin for floating-point noise only. */
function isWorse(value: number, reference: number): boolean {
  return value > reference + 1e-9 * Math.abs(reference);
}

function timingRow(w: Workload): string[] {
  const ours = { wall: median(w.ours.seconds), cpu: median(w.ours.cpuSeconds) };
  const theirs = { wall: median(w.sklearn.seconds), cpu: median(w.sklearn.cpuSeconds) };
  return [
    w.title,
    `${fmt(ours.wall)} s (CPU ${fmt(ours.cpu)} s)`,
    `${fmt(theirs.wall)} s (CPU ${fmt(theirs.cpu)} s)`,
    `**${fmt(ours.wall / theirs.wall)}** (CPU ${fmt(ours.cpu / theirs.cpu)})`,
    `${fmt(w.ours.seconds[0])} s / ${fmt(w.sklearn.seconds[0])} s`,
  ];
}

function apiRow(w: Workload): string[] {
  const api = w.api!;
  const sklearnWall = median(w.sklearn.seconds);
  const sameCurve = api.result.curve.every((point, i) => {
    const ours = w.ours.curves[0][i];
    return Math.abs(point.score - ours) <= 1e-9 * Math.abs(ours);
  });
  return [
    w.title,
    `**${fmt(median(api.seconds))} s** (warm-up ${fmt(api.firstSeconds)} s)`,
    `${fmt(median(w.ours.seconds))} s`,
    `${fmt(sklearnWall)} s`,
    `**${fmt(median(api.seconds) / sklearnWall)}**`,
    `${sameCurve ? 'yes' : 'no'}; k = ${api.result.optimalK}`,
  ];
}

/** Our API run against each scikit-learn release's bare sweep, and against the fastest of them. */
function releasesRow(w: Workload): string[] {
  const api = median(w.api!.seconds);
  const newest = median(w.sklearn.seconds);
  const older = median(w.olderSklearn!.seconds);
  return [
    w.title,
    `**${fmt(api)} s**`,
    `${fmt(newest)} s (CPU ${fmt(median(w.sklearn.cpuSeconds))} s)`,
    `${fmt(older)} s (CPU ${fmt(median(w.olderSklearn!.cpuSeconds))} s)`,
    `**${fmt(api / Math.min(newest, older))}**`,
  ];
}

function peerRow(name: string, w: Workload, sweep: SweepResult): string[] {
  const medianCurve = perK(w.sklearn.curves, median);
  const diffs = sweep.curves[0].map((v, i) => (v / medianCurve[i] - 1) * 100);
  const worse = w.ks.filter((_, i) => isWorse(sweep.curves[0][i], medianCurve[i]));
  return [
    name,
    `${fmt(median(sweep.seconds))} s (CPU ${fmt(median(sweep.cpuSeconds))} s)`,
    `${worse.length} of ${w.ks.length}`,
    `${fmt(Math.max(...diffs))}% / ${fmt(diffs.reduce((a, b) => a + b, 0) / diffs.length)}%`,
    `${sweep.knees[0]}`,
  ];
}

function qualityRow(w: Workload): string[] {
  const medianCurve = perK(w.sklearn.curves, median);
  const ours = w.ours.curves[0];
  const worseK = w.ks.filter((_, i) => isWorse(ours[i], medianCurve[i]));
  const allWorse = w.ours.curves.reduce(
    (sum, curve) => sum + curve.filter((v, i) => isWorse(v, medianCurve[i])).length,
    0,
  );
  const diff = (i: number): number =>
    w.metric === 'SSE' ? (ours[i] / medianCurve[i] - 1) * 100 : ours[i] - medianCurve[i];
  const diffs = w.ks.map((_, i) => diff(i));
  const unit = w.metric === 'SSE' ? '%' : '';
  return [
    w.title,
    worseK.length === 0 ? 'none' : worseK.join(', '),
    `${allWorse} of ${w.ours.curves.length * w.ks.length}`,
    `${fmt(Math.max(...diffs))}${unit} / ${fmt(diffs.reduce((s, v) => s + v, 0) / diffs.length)}${unit}`,
    `**${w.ours.knees[0]}** (seeds: ${counts(w.ours.knees)})`,
    `${counts(w.sklearn.knees)}; median curve: ${elbow(w.ks, medianCurve)}`,
  ];
}

function perKTable(w: Workload): string {
  const medianCurve = perK(w.sklearn.curves, median);
  const low = perK(w.sklearn.curves, (v) => Math.min(...v));
  const high = perK(w.sklearn.curves, (v) => Math.max(...v));
  const digits = w.metric === 'SSE' ? 4 : 1;
  const rows = w.ks.map((k, i) => {
    const ours = w.ours.curves[0][i];
    const diff = w.metric === 'SSE' ? `${fmt((ours / medianCurve[i] - 1) * 100)}%` : fmt(ours - medianCurve[i], 1);
    const spread = `${fmt(low[i], digits)} … ${fmt(high[i], digits)}`;
    return [String(k), fmt(ours, digits), fmt(medianCurve[i], digits), spread, diff];
  });
  const header = 'k | ours (seed 0) | scikit-learn median | scikit-learn min … max | ours − median';
  return markdownTable(header, 'lllll', rows);
}

export function report(
  workloads: Workload[],
  versions: Record<string, string>,
  olderVersions: Record<string, string> | null,
  settings: SegmentationSettings,
): string {
  const { seeds, repeats, ourSeeds, apiRepeats, mallNInit, creditNInit, creditRows, creditSeed } = settings;
  const withApi = workloads.filter((w) => w.api);
  const kmeansWorkload = workloads.find((w) => w.peer);
  const apiHeader =
    'Workload | ours through the API, end to end | ours bare (one core) | scikit-learn bare (one core) | ' +
    'API / scikit-learn bare | API curve = our bare sweep; chosen k';
  const peerHeader =
    'K-Means (Mall) | time, one core | k worse than scikit-learn median | SSE vs median: worst / mean | elbow (seed 0)';
  const peers = kmeansWorkload
    ? `## K-Means against the JavaScript peer (ml-kmeans)

ml-kmeans (the library the product's design names) with the same ${mallNInit} k-means++ restarts per k, lowest SSE kept.

${markdownTable(peerHeader, 'lllll', [
  peerRow('ours (src/ml/kmeans.ts)', kmeansWorkload, kmeansWorkload.ours),
  peerRow('ml-kmeans', kmeansWorkload, kmeansWorkload.peer!),
  peerRow('scikit-learn (seed 0)', kmeansWorkload, kmeansWorkload.sklearn),
])}
`
    : '';
  const withReleases = workloads.filter((w) => w.api && w.olderSklearn);
  const releasesHeader =
    `Workload | ours through the API | scikit-learn ${versions.sklearn} bare | ` +
    `scikit-learn ${olderVersions?.sklearn} bare | API / fastest scikit-learn`;
  const releases =
    olderVersions && withReleases.length > 0
      ? `### Against the fastest scikit-learn release

The same seed-0 sweeps with scikit-learn ${olderVersions.sklearn} (numpy ${olderVersions.numpy}, its own venv
\`bench/.venv-sklearn-1.2\`): releases differ in speed, and on real credit-card data 1.2's GaussianMixture beat
1.9's. Median of ${repeats} sweeps each, one core.

${markdownTable(releasesHeader, 'lllll', withReleases.map(releasesRow))}
`
      : '';
  const mallSkipped = !workloads.some((w) => w.metric === 'SSE');
  const timeHeader = 'Workload | ours | scikit-learn | ours / scikit-learn | first sweep (ours / scikit-learn)';
  const qualityHeader =
    'Workload | k where ours is worse than the median | (seed, k) worse, all our seeds | ' +
    'ours − median: worst / mean | our elbow (seed 0; all seeds) | scikit-learn elbows (per seed)';
  return `# Segmentation benchmark

Generated by \`npx tsx bench/segmentation.ts\` (${today()}): Node ${process.version},
scikit-learn ${versions.sklearn}, numpy ${versions.numpy}, kneed ${versions.kneed}; ${cpuModel()}; load average
(1 min) when written: ${loadAverage().toFixed(1)} (other work on the machine inflates wall times; CPU times less).
Both sides single-threaded (scikit-learn with OMP_NUM_THREADS=1), run one after the other in the same job.
Times: median of ${repeats} sweeps with seed 0 (wall clock, CPU time in brackets), and the first sweep of each.
On a shared machine the CPU-time ratio is the steadier of the two.
Quality: our seed-0 sweep against the per-k median of scikit-learn over random_state 0..${seeds - 1};
"all our seeds" repeats our sweep with seeds 0..${ourSeeds - 1}. Elbows by Kneedle (S=1, convex, decreasing),
ours from src/ml/kneedle.ts, scikit-learn's from the kneed package.
${mallSkipped ? '\n**Mall data not found (../shared/datasets/Mall_Customers.csv): K-Means workload skipped.**\n' : ''}
## End to end through the API

The stack as \`npm start\` runs it (dev server, API, one worker process whose compute threads use every core):
POST /runs/segmentation to the GET that shows it completed; median of ${apiRepeats} runs after one warm-up run.
Same data, k range, nInit and seed as the bare sweeps (seed 0), so the curves must match.

${markdownTable(apiHeader, 'llllll', withApi.map(apiRow))}

${releases}
## Bare compute

${markdownTable(timeHeader, 'lllll', workloads.map(timingRow))}

${peers}
## Quality

SSE: lower is better (difference in % of scikit-learn's median). BIC: lower is better (difference in BIC units).

${markdownTable(qualityHeader, 'llllll', workloads.map(qualityRow))}

${workloads.map((w) => `### ${w.title}: ${w.metric} per k\n\n${perKTable(w)}`).join('\n\n')}

## Settings

- K-Means (ours): \`fitKMeans(rows, k, { nInit: ${mallNInit}, seed })\`: greedy k-means++ (2 + ln k local trials), Lloyd
  with scikit-learn's stopping rules, plus Hartigan transfers and 3 centre swaps per restart. scikit-learn:
  \`KMeans(k, n_init=${mallNInit}, random_state=seed)\` (Lloyd).
- Gaussian mixture (ours): \`fitGmm(rows, k, { nInit: ${creditNInit}, seed })\`: k-means init, SQUAREM-accelerated EM (tol 1e-3 per
  cycle, at most 100 E+M passes per EM run), then 2 split/merge trials (screened by partial EM, each its own EM run)
  and a final polish at tol/10, reg_covar 1e-6. scikit-learn:
  \`GaussianMixture(k, n_init=${creditNInit}, random_state=seed)\` (full covariance, tol 1e-3, max_iter 100, reg_covar 1e-6).
  nInit = 1 is scikit-learn's default and is used on both sides.
- Credit-card data: the product's sample generator, \`generateCreditCardCsv({ seed: ${creditSeed}, rows: ${creditRows} })\`
  (heavy-tailed like the public data: PURCHASES ~23% exact zeros, skew ~7–9; CREDIT_LIMIT ~84% multiples of 500);
  rows with a blank feature dropped, min-max scaled on both sides.
`;
}
