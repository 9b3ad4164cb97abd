/** The six panels of the monitoring dashboard, each a PanelSpec the grid lays out. */
import { type Domain, type Tick, niceDomain, numericTicks, plotAreaWithin } from '../../../charts/axes.js';
import { renderHistogram } from '../../../charts/bar-chart.js';
import { type ConfusionCounts, renderConfusionMatrix } from '../../../charts/heatmap.js';
import type { LegendItem } from '../../../charts/legend.js';
import { type LineSeries, type HorizontalRule, renderLineChart } from '../../../charts/line-chart.js';
import { type PanelSpec, renderNoData } from '../../../charts/panel.js';
import { type Rect, estimateTextWidth, formatNumber, formatPercent, truncateText } from '../../../charts/svg.js';
import { colors, fontSizes } from '../../../charts/theme.js';
import {
  type DashboardInput,
  type MonthlyMetric,
  type MonthlyRow,
  finiteOrNull,
  latestPsi,
  operatingPoint,
  psiBand,
  zipCurve,
} from './dashboard-input.js';

const MAX_MONTHS_WITH_MARKERS = 24;
const UNIT_TICKS: Tick[] = numericTicks([0, 1], 5);
const UNIT_DOMAIN: Domain = [0, 1];

/** ROC and precision–recall curves live on the unit square: same domains, ticks and grid. */
function unitSquareAxes(xTitle: string, yTitle: string) {
  return {
    xDomain: UNIT_DOMAIN,
    yDomain: UNIT_DOMAIN,
    xTicks: UNIT_TICKS,
    yTicks: UNIT_TICKS,
    xTitle,
    yTitle,
    verticalGrid: true,
  };
}

function thresholdLabel(name: string, value: number): string {
  return `${name} (${formatNumber(value, 2)})`;
}

// ---------------------------------------------------------------------------------------------------------------
// Panels

export function rocPanel(input: DashboardInput, frame: Rect, counts: ConfusionCounts): PanelSpec {
  const points = zipCurve(input.roc?.fpr, input.roc?.tpr);
  const auc = finiteOrNull(input.roc?.auc);
  const operating = operatingPoint(counts);
  const hasCurve = points.length > 0;
  const legend: LegendItem[] = hasCurve
    ? [
        {
          label: auc === null ? 'Model' : `Model (AUC = ${formatNumber(auc, 3)})`,
          color: colors.model,
          symbol: 'line',
        },
        { label: 'Random', color: colors.reference, symbol: 'dashed' },
        ...(operating ? [operatingLegend(input)] : []),
      ]
    : [];
  return {
    id: 'roc',
    title: 'ROC curve',
    frame,
    legend,
    renderBody: (content) =>
      hasCurve
        ? renderLineChart(
            {
              ...unitSquareAxes('False positive rate', 'True positive rate'),
              series: [
                {
                  label: 'Random',
                  color: colors.reference,
                  points: [
                    { x: 0, y: 0 },
                    { x: 1, y: 1 },
                  ],
                  dashed: true,
                  strokeWidth: 1.75,
                },
                { label: 'Model', color: colors.model, points, areaFill: true },
              ],
              highlights: operating ? [{ x: operating.fpr, y: operating.tpr, color: colors.operatingPoint }] : [],
            },
            content,
          )
        : renderNoData(content, 'No ROC data'),
  };
}

function operatingLegend(input: DashboardInput): LegendItem {
  const threshold = finiteOrNull(input.confusion?.threshold);
  const label = threshold === null ? 'Operating point' : `Operating point (t = ${formatNumber(threshold, 2)})`;
  return { label, color: colors.operatingPoint, symbol: 'ring' };
}

export function prPanel(input: DashboardInput, frame: Rect, counts: ConfusionCounts): PanelSpec {
  const points = zipCurve(input.pr?.recall, input.pr?.precision);
  const baseline = finiteOrNull(input.pr?.baseline);
  const operating = operatingPoint(counts);
  // On the PR plane the operating point is (recall, precision); precision is undefined with no predicted positives.
  const prOperating = operating && operating.precision !== null ? { x: operating.tpr, y: operating.precision } : null;
  const hasCurve = points.length > 0;
  const rules: HorizontalRule[] = baseline === null ? [] : [{ value: baseline, color: colors.reference }];
  const legend: LegendItem[] = hasCurve
    ? [
        { label: 'Model', color: colors.model, symbol: 'line' },
        ...(baseline === null
          ? []
          : [{ label: `Baseline (${formatNumber(baseline, 3)})`, color: colors.reference, symbol: 'dashed' as const }]),
        ...(prOperating ? [operatingLegend(input)] : []),
      ]
    : [];
  return {
    id: 'pr',
    title: 'Precision–recall curve',
    frame,
    legend,
    renderBody: (content) =>
      hasCurve
        ? renderLineChart(
            {
              ...unitSquareAxes('Recall', 'Precision'),
              rules,
              series: [{ label: 'Model', color: colors.model, points }],
              highlights: prOperating ? [{ ...prOperating, color: colors.operatingPoint }] : [],
            },
            content,
          )
        : renderNoData(content, 'No precision–recall data'),
  };
}

export function confusionPanel(input: DashboardInput, frame: Rect, counts: ConfusionCounts): PanelSpec {
  const threshold = finiteOrNull(input.confusion?.threshold);
  const total = counts.tn + counts.fp + counts.fn + counts.tp;
  return {
    id: 'confusion',
    title: threshold === null ? 'Confusion matrix' : `Confusion matrix (threshold ${formatNumber(threshold, 2)})`,
    frame,
    renderBody: (content) =>
      total > 0 ? renderConfusionMatrix(counts, content) : renderNoData(content, 'No predictions to evaluate'),
  };
}

/** Usable histogram bins: edges must be finite and strictly increasing. */
function histogramBinCount(edges: readonly number[]): number {
  for (let i = 0; i < edges.length; i++) {
    if (!Number.isFinite(edges[i])) return 0;
    if (i > 0 && edges[i] <= edges[i - 1]) return 0;
  }
  return Math.max(0, edges.length - 1);
}

export function histogramPanel(input: DashboardInput, frame: Rect): PanelSpec {
  const edges = input.scoreHistogram?.edges ?? [];
  const bins = histogramBinCount(edges);
  const reference = (input.scoreHistogram?.reference ?? []).slice(0, bins);
  const current = (input.scoreHistogram?.current ?? []).slice(0, bins);
  const maxValue = Math.max(0, ...[...reference, ...current].filter((value) => Number.isFinite(value)));
  const hasData = bins > 0 && maxValue > 0;
  const psi = latestPsi(input);
  const title =
    psi === null ? 'Score distribution' : `Score distribution — PSI ${formatNumber(psi, 3)} (${psiBand(psi).label})`;
  const yDomain = niceDomain(0, maxValue * 1.08, 5);
  return {
    id: 'score-histogram',
    title,
    frame,
    legend: hasData
      ? [
          { label: 'Reference (training)', color: colors.reference, symbol: 'box' },
          { label: 'Current', color: colors.model, symbol: 'box' },
        ]
      : [],
    renderBody: (content) =>
      hasData
        ? renderHistogram(
            {
              edges: edges.slice(0, bins + 1),
              series: [
                { label: 'Reference', color: colors.reference, values: reference },
                { label: 'Current', color: colors.model, values: current },
              ],
              yDomain,
              xTicks: numericTicks([edges[0], edges[bins]], 5),
              yTicks: numericTicks(yDomain, 5, (value) => formatPercent(value, maxValue < 0.05 ? 1 : 0)),
              xTitle: 'Model score',
              yTitle: 'Share of scored loans',
            },
            content,
          )
        : renderNoData(content, 'No score distribution'),
  };
}

/** Indices of month labels to draw so they don't collide; always keeps the latest month. */
export function monthLabelIndices(labels: readonly string[], plotWidth: number): number[] {
  if (labels.length === 0) return [];
  const widest = Math.max(...labels.map((label) => estimateTextWidth(label, fontSizes.tick)));
  const spacing = plotWidth / labels.length;
  const every = Math.max(1, Math.ceil((widest + 10) / spacing));
  const indices: number[] = [];
  for (let i = labels.length - 1; i >= 0; i -= every) indices.unshift(i);
  return indices;
}

/** y-range that fits the data and thresholds with some headroom, kept within [0, 1] for rate metrics. */
export function metricDomain(values: readonly number[]): Domain {
  if (values.length === 0) return UNIT_DOMAIN;
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = Math.max(0.03, (hi - lo) * 0.15);
  const [niceLo, niceHi] = niceDomain(Math.max(0, lo - pad), Math.min(1, hi + pad), 5);
  return [Math.max(0, niceLo), Math.min(1, niceHi)];
}

export interface MetricLine {
  metric: MonthlyMetric;
  label: string;
  color: string;
  minimum?: number;
  minimumLabel: string;
}

function monthlyValues(months: readonly MonthlyRow[], metric: MonthlyMetric): (number | null)[] {
  return months.map((row) => finiteOrNull(row[metric]));
}

export function monthlyPanel(
  id: string,
  title: string,
  months: readonly MonthlyRow[],
  lines: MetricLine[],
  frame: Rect,
): PanelSpec {
  const valuesByLine = lines.map((metricLine) => monthlyValues(months, metricLine.metric));
  const definedValues = valuesByLine.flat().filter((value): value is number => value !== null);
  const minimums = lines
    .map((metricLine) => metricLine.minimum)
    .filter((value): value is number => value !== undefined);
  const hasData = definedValues.length > 0;
  const breached = lines.some(
    (metricLine, i) =>
      metricLine.minimum !== undefined &&
      valuesByLine[i].some((value) => value !== null && value < metricLine.minimum!),
  );

  const legend: LegendItem[] = hasData
    ? [
        ...lines.map((metricLine, i): LegendItem => ({
          // Say so explicitly when a metric never had a value, rather than listing a line that is not drawn.
          label: valuesByLine[i].some((value) => value !== null) ? metricLine.label : `${metricLine.label} (no data)`,
          color: metricLine.color,
          symbol: 'line',
        })),
        ...lines
          .filter((metricLine) => metricLine.minimum !== undefined)
          .map((metricLine): LegendItem => ({
            label: thresholdLabel(metricLine.minimumLabel, metricLine.minimum!),
            color: metricLine.color,
            symbol: 'dashed',
          })),
        ...(breached ? [{ label: 'Below minimum', color: colors.alert, symbol: 'dot' as const }] : []),
      ]
    : [];

  return {
    id,
    title,
    frame,
    legend,
    renderBody: (content) => {
      if (!hasData) return renderNoData(content, 'No monthly metrics');
      const yDomain = metricDomain([...definedValues, ...minimums]);
      const labels = months.map((row) => truncateText(String(row.month ?? ''), 70, fontSizes.tick));
      const plotWidth = plotAreaWithin(content).width;
      const xTicks: Tick[] = monthLabelIndices(labels, plotWidth).map((index) => ({
        value: index,
        label: labels[index],
      }));
      const series: LineSeries[] = lines.map((metricLine, i) => ({
        label: metricLine.label,
        color: metricLine.color,
        points: valuesByLine[i].map((y, x) => ({ x, y })),
        // Past ~2 years, per-month dots crowd out the line itself; gaps still get dots for isolated points.
        markers: months.length <= MAX_MONTHS_WITH_MARKERS,
        alertBelow: metricLine.minimum,
      }));
      const rules: HorizontalRule[] = lines
        .filter((metricLine) => metricLine.minimum !== undefined)
        .map((metricLine) => ({ value: metricLine.minimum!, color: metricLine.color }));
      return renderLineChart(
        {
          // Half a month of padding on each side keeps the first/last markers off the axes.
          xDomain: [-0.5, months.length - 0.5],
          yDomain,
          xTicks,
          yTicks: numericTicks(yDomain, 5),
          series,
          rules,
        },
        content,
      );
    },
  };
}
