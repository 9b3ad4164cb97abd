/**
 * Renders the monitoring dashboard from made-up but realistic loan-default data.
 * Usage: tsx scripts/render-sample-dashboard.ts [output.png]   (default .state/sample-dashboard.png)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type DashboardInput, renderDashboardPng } from '../src/pipelines/loan/monitoring/dashboard.js';
import { mulberry32 as seededRandom } from '../src/ml/random.js';

const DEFAULT_OUTPUT = '.state/sample-dashboard.png';

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

interface ScoredLoan {
  score: number;
  defaulted: boolean;
}

/** Synthetic scored portfolio: ~9% default rate, defaulters score higher on average. */
function scorePortfolio(random: () => number, count: number, shift: number): ScoredLoan[] {
  return Array.from({ length: count }, () => {
    const defaulted = random() < 0.09;
    const logit = (defaulted ? -1.3 : -2.9) + shift + gaussian(random) * 1.15;
    return { score: 1 / (1 + Math.exp(-logit)), defaulted };
  });
}

function curves(loans: readonly ScoredLoan[]): { roc: DashboardInput['roc']; pr: DashboardInput['pr'] } {
  const sorted = [...loans].sort((a, b) => b.score - a.score);
  const positives = loans.filter((loan) => loan.defaulted).length;
  const negatives = loans.length - positives;
  const fpr = [0];
  const tpr = [0];
  const precision: number[] = [];
  const recall: number[] = [];
  let tp = 0;
  let fp = 0;
  let auc = 0;
  sorted.forEach((loan, i) => {
    if (loan.defaulted) tp += 1;
    else {
      fp += 1;
      auc += tp / positives / negatives;
    }
    if (i % 40 === 39 || i === sorted.length - 1) {
      fpr.push(fp / negatives);
      tpr.push(tp / positives);
      precision.push(tp / (tp + fp));
      recall.push(tp / positives);
    }
  });
  return { roc: { fpr, tpr, auc }, pr: { precision, recall, baseline: positives / loans.length } };
}

function confusionAt(loans: readonly ScoredLoan[], threshold: number): DashboardInput['confusion'] {
  const counts = { tn: 0, fp: 0, fn: 0, tp: 0, threshold };
  for (const loan of loans) {
    const predicted = loan.score >= threshold;
    if (predicted && loan.defaulted) counts.tp += 1;
    else if (predicted) counts.fp += 1;
    else if (loan.defaulted) counts.fn += 1;
    else counts.tn += 1;
  }
  return counts;
}

/** tp / (tp + other), i.e. precision when other = fp and recall when other = fn. */
function ratio(tp: number, other: number): number {
  return tp / (tp + other);
}

function histogram(loans: readonly ScoredLoan[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (const loan of loans) {
    const bin = Math.min(edges.length - 2, Math.floor(loan.score * (edges.length - 1)));
    counts[bin] += 1;
  }
  return counts.map((count) => count / loans.length);
}

function sampleDashboardInput(): DashboardInput {
  const random = seededRandom(2024_06);
  const training = scorePortfolio(random, 12_000, 0);
  const current = scorePortfolio(random, 9_500, 0.35);
  const edges = Array.from({ length: 21 }, (_, i) => i / 20);
  const { roc, pr } = curves(current);
  const months = ['2023-07', '2023-08', '2023-09', '2023-10', '2023-11', '2023-12'];
  months.push('2024-01', '2024-02', '2024-03', '2024-04', '2024-05', '2024-06');
  const confusion = confusionAt(current, 0.2);
  // History drifts gently downwards; the latest month is computed from the synthetic portfolio above.
  const auc = [0.862, 0.858, 0.865, 0.851, 0.848, null, 0.845, 0.84, 0.836, 0.832, 0.83, roc.auc];
  const precision = [
    0.36,
    0.35,
    0.37,
    0.35,
    0.34,
    null,
    0.33,
    0.33,
    0.32,
    0.31,
    0.3,
    ratio(confusion.tp, confusion.fp),
  ];
  const recall = [0.7, 0.69, 0.71, 0.69, 0.68, null, 0.67, 0.67, 0.66, 0.65, 0.65, ratio(confusion.tp, confusion.fn)];
  const psi = [0.02, 0.03, 0.03, 0.05, 0.06, null, 0.07, 0.09, 0.1, 0.12, 0.14, 0.17];
  return {
    title: 'Loan default model — monitoring 2024-06',
    subtitle: 'Model loan-default-gbm v3.2.0  ·  scored 9,500 loans  ·  generated 2024-07-01 06:00 UTC',
    roc,
    pr,
    confusion,
    scoreHistogram: { edges, reference: histogram(training, edges), current: histogram(current, edges) },
    monthly: months.map((month, i) => {
      const p = precision[i] ?? null;
      const r = recall[i] ?? null;
      return {
        month,
        auc: auc[i] ?? null,
        precision: p,
        recall: r,
        f1: p !== null && r !== null ? (2 * p * r) / (p + r) : null,
        psi: psi[i] ?? null,
      };
    }),
    thresholds: { minAuc: 0.8, minPrecision: 0.3, minRecall: 0.6 },
  };
}

async function run(): Promise<void> {
  const output = process.argv[2] ?? DEFAULT_OUTPUT;
  await mkdir(path.dirname(path.resolve(output)), { recursive: true });
  const png = renderDashboardPng(sampleDashboardInput());
  await writeFile(output, png);
  console.log(`Wrote ${output} (${png.length} bytes)`);
}

run().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
