/** What the monitoring dashboard draws, and how bad numbers in it become gaps instead of broken charts. */
import type { ConfusionCounts } from '../../../charts/heatmap.js';
import type { LinePoint } from '../../../charts/line-chart.js';
import { colors } from '../../../charts/theme.js';
import { PSI_BANDS } from '../../../ml/psi.js';

export interface DashboardInput {
  title: string; // e.g. 'Loan default model — monitoring 2024-06'
  subtitle?: string; // model id, generated time
  roc: { fpr: number[]; tpr: number[]; auc: number };
  pr: { precision: number[]; recall: number[]; baseline: number };
  confusion: { tn: number; fp: number; fn: number; tp: number; threshold: number };
  scoreHistogram: { edges: number[]; reference: number[]; current: number[] }; // proportions per bin; reference = training distribution
  monthly: {
    month: string;
    auc: number | null;
    precision: number | null;
    recall: number | null;
    f1: number | null;
    psi: number | null;
  }[];
  thresholds?: { minAuc?: number; minPrecision?: number; minRecall?: number };
}

export type MonthlyRow = DashboardInput['monthly'][number];
export type MonthlyMetric = Exclude<keyof MonthlyRow, 'month'>;

// ---------------------------------------------------------------------------------------------------------------
// Input sanitising: the dashboard must render whatever the pipeline produced, so bad numbers become gaps.

export function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function finiteOrUndefined(value: number | undefined): number | undefined {
  return finiteOrNull(value) ?? undefined;
}

/** Pairs two arrays into points (ignoring the longer array's tail and non-finite pairs), sorted by x. */
export function zipCurve(xs: readonly number[] | undefined, ys: readonly number[] | undefined): LinePoint[] {
  const xValues = xs ?? [];
  const yValues = ys ?? [];
  const points: LinePoint[] = [];
  for (let i = 0; i < Math.min(xValues.length, yValues.length); i++) {
    const x = finiteOrNull(xValues[i]);
    const y = finiteOrNull(yValues[i]);
    if (x !== null && y !== null) points.push({ x, y });
  }
  // Stable sort keeps the input order for ties, which preserves vertical steps in ROC/PR curves.
  return points.sort((a, b) => a.x - b.x);
}

export function nonNegativeCount(value: number | undefined): number {
  const finite = finiteOrNull(value);
  return finite !== null && finite > 0 ? finite : 0;
}

export function sanitiseConfusion(confusion: DashboardInput['confusion'] | undefined): ConfusionCounts {
  return {
    tn: nonNegativeCount(confusion?.tn),
    fp: nonNegativeCount(confusion?.fp),
    fn: nonNegativeCount(confusion?.fn),
    tp: nonNegativeCount(confusion?.tp),
  };
}

/** The classifier's operating point (FPR, TPR, precision) at the confusion-matrix threshold, if defined. */
export function operatingPoint(counts: ConfusionCounts): { fpr: number; tpr: number; precision: number | null } | null {
  const negatives = counts.tn + counts.fp;
  const positives = counts.tp + counts.fn;
  if (negatives === 0 || positives === 0) return null;
  const predictedPositive = counts.tp + counts.fp;
  return {
    fpr: counts.fp / negatives,
    tpr: counts.tp / positives,
    precision: predictedPositive > 0 ? counts.tp / predictedPositive : null,
  };
}

/** The conventional PSI bands (ml/psi.ts): stable, moderate shift, significant shift. */
export function psiBand(psi: number): { label: string; color: string } {
  if (psi < PSI_BANDS.moderate) return { label: 'stable', color: colors.ok };
  if (psi < PSI_BANDS.significant) return { label: 'moderate shift', color: colors.warn };
  return { label: 'significant shift', color: colors.alert };
}

export function latestPsi(input: DashboardInput): number | null {
  const months = input.monthly ?? [];
  return finiteOrNull(months[months.length - 1]?.psi);
}
