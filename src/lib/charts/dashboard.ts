/**
 * Six-panel model-monitoring dashboard (ROC, PR, confusion matrix, score drift, monthly AUC, monthly
 * precision/recall/F1) built as a pure SVG string and rasterised with resvg — no browser involved.
 */
import { type Domain, type Tick, niceDomain, numericTicks, plotAreaWithin } from './axes.js';
import { renderHistogram } from './bar-chart.js';
import { type ConfusionCounts, renderConfusionMatrix } from './heatmap.js';
import type { LegendItem } from './legend.js';
import { type LineSeries, type LinePoint, type HorizontalRule, renderLineChart } from './line-chart.js';
import { type PanelSpec, panelLegendHeight, renderNoData, renderPanel } from './panel.js';
import { renderSvgToPng } from './render.js';
import {
  type Rect,
  estimateTextWidth,
  formatNumber,
  formatPercent,
  group,
  rect,
  svgDocument,
  textElement,
  truncateText,
} from './svg.js';
import { colors, fontSizes } from './theme.js';

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

type MonthlyRow = DashboardInput['monthly'][number];
type MonthlyMetric = Exclude<keyof MonthlyRow, 'month'>;

export const DASHBOARD_WIDTH = 1800;
export const DASHBOARD_HEIGHT = 1100;

const MARGIN = 24;
const GAP = 20;
const HEADER_HEIGHT = 104;
const COLUMNS = 3;
const ROWS = 2;
const MAX_MONTHS_WITH_MARKERS = 24;
const KPI_WIDTH = 112;
const KPI_GAP = 10;
const KPI_VALUE_SIZE = 19;

// ---------------------------------------------------------------------------------------------------------------
// Input sanitising: the dashboard must render whatever the pipeline produced, so bad numbers become gaps.

function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function finiteOrUndefined(value: number | undefined): number | undefined {
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

function nonNegativeCount(value: number | undefined): number {
  const finite = finiteOrNull(value);
  return finite !== null && finite > 0 ? finite : 0;
}

function sanitiseConfusion(confusion: DashboardInput['confusion'] | undefined): ConfusionCounts {
  return {
    tn: nonNegativeCount(confusion?.tn),
    fp: nonNegativeCount(confusion?.fp),
    fn: nonNegativeCount(confusion?.fn),
    tp: nonNegativeCount(confusion?.tp),
  };
}

/** The classifier's operating point (FPR, TPR, precision) at the confusion-matrix threshold, if defined. */
function operatingPoint(counts: ConfusionCounts): { fpr: number; tpr: number; precision: number | null } | null {
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

// ---------------------------------------------------------------------------------------------------------------
// Layout

/** Panel frames in reading order: left-to-right, then top-to-bottom. */
export function panelFrames(): Rect[] {
  const width = (DASHBOARD_WIDTH - 2 * MARGIN - (COLUMNS - 1) * GAP) / COLUMNS;
  const height = (DASHBOARD_HEIGHT - HEADER_HEIGHT - MARGIN - (ROWS - 1) * GAP) / ROWS;
  const frames: Rect[] = [];
  for (let row = 0; row < ROWS; row++) {
    for (let column = 0; column < COLUMNS; column++) {
      frames.push({ x: MARGIN + column * (width + GAP), y: HEADER_HEIGHT + row * (height + GAP), width, height });
    }
  }
  return frames;
}

const UNIT_TICKS: Tick[] = numericTicks([0, 1], 5);
const UNIT_DOMAIN: Domain = [0, 1];

function thresholdLabel(name: string, value: number): string {
  return `${name} (${formatNumber(value, 2)})`;
}

// ---------------------------------------------------------------------------------------------------------------
// Panels

function rocPanel(input: DashboardInput, frame: Rect, counts: ConfusionCounts): PanelSpec {
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
              xDomain: UNIT_DOMAIN,
              yDomain: UNIT_DOMAIN,
              xTicks: UNIT_TICKS,
              yTicks: UNIT_TICKS,
              xTitle: 'False positive rate',
              yTitle: 'True positive rate',
              verticalGrid: true,
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

function prPanel(input: DashboardInput, frame: Rect, counts: ConfusionCounts): PanelSpec {
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
              xDomain: UNIT_DOMAIN,
              yDomain: UNIT_DOMAIN,
              xTicks: UNIT_TICKS,
              yTicks: UNIT_TICKS,
              xTitle: 'Recall',
              yTitle: 'Precision',
              verticalGrid: true,
              rules,
              series: [{ label: 'Model', color: colors.model, points }],
              highlights: prOperating ? [{ ...prOperating, color: colors.operatingPoint }] : [],
            },
            content,
          )
        : renderNoData(content, 'No precision–recall data'),
  };
}

function confusionPanel(input: DashboardInput, frame: Rect, counts: ConfusionCounts): PanelSpec {
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

/** Conventional PSI bands: < 0.1 stable, 0.1–0.25 moderate shift, ≥ 0.25 significant shift. */
export function psiBand(psi: number): { label: string; color: string } {
  if (psi < 0.1) return { label: 'stable', color: colors.ok };
  if (psi < 0.25) return { label: 'moderate shift', color: colors.warn };
  return { label: 'significant shift', color: colors.alert };
}

function latestPsi(input: DashboardInput): number | null {
  const months = input.monthly ?? [];
  return finiteOrNull(months[months.length - 1]?.psi);
}

/** Usable histogram bins: edges must be finite and strictly increasing. */
function histogramBinCount(edges: readonly number[]): number {
  for (let i = 0; i < edges.length; i++) {
    if (!Number.isFinite(edges[i])) return 0;
    if (i > 0 && edges[i] <= edges[i - 1]) return 0;
  }
  return Math.max(0, edges.length - 1);
}

function histogramPanel(input: DashboardInput, frame: Rect): PanelSpec {
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

interface MetricLine {
  metric: MonthlyMetric;
  label: string;
  color: string;
  minimum?: number;
  minimumLabel: string;
}

function monthlyValues(months: readonly MonthlyRow[], metric: MonthlyMetric): (number | null)[] {
  return months.map((row) => finiteOrNull(row[metric]));
}

function monthlyPanel(
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

// ---------------------------------------------------------------------------------------------------------------
// Header

interface Kpi {
  label: string;
  value: string;
  color: string;
}

function kpiColor(value: number | null, minimum: number | undefined): string {
  if (value === null || minimum === undefined) return colors.text;
  return value < minimum ? colors.alert : colors.ok;
}

function latestKpis(input: DashboardInput): Kpi[] {
  const months = input.monthly ?? [];
  const latest = months[months.length - 1];
  if (!latest) return [];
  const thresholds = input.thresholds ?? {};
  const auc = finiteOrNull(latest.auc);
  const precision = finiteOrNull(latest.precision);
  const recall = finiteOrNull(latest.recall);
  const psi = finiteOrNull(latest.psi);
  return [
    {
      label: 'Latest month',
      value: truncateText(String(latest.month ?? ''), KPI_WIDTH - 20, KPI_VALUE_SIZE, true),
      color: colors.text,
    },
    { label: 'AUC', value: formatNumber(auc, 3), color: kpiColor(auc, finiteOrUndefined(thresholds.minAuc)) },
    {
      label: 'Precision',
      value: formatNumber(precision, 3),
      color: kpiColor(precision, finiteOrUndefined(thresholds.minPrecision)),
    },
    {
      label: 'Recall',
      value: formatNumber(recall, 3),
      color: kpiColor(recall, finiteOrUndefined(thresholds.minRecall)),
    },
    { label: 'F1', value: formatNumber(finiteOrNull(latest.f1), 3), color: colors.text },
    { label: 'PSI', value: formatNumber(psi, 3), color: psi === null ? colors.text : psiBand(psi).color },
  ];
}

function renderKpis(kpis: readonly Kpi[]): { svg: string; width: number } {
  const width = kpis.length * KPI_WIDTH + Math.max(0, kpis.length - 1) * KPI_GAP;
  const startX = DASHBOARD_WIDTH - MARGIN - width;
  const top = 22;
  const parts = kpis.map((kpi, i) => {
    const x = startX + i * (KPI_WIDTH + KPI_GAP);
    return group([
      rect({ x, y: top, width: KPI_WIDTH, height: 58 }, { fill: colors.panel, stroke: colors.panelBorder, rx: 6 }),
      textElement(x + 12, top + 20, kpi.label, { size: 11, fill: colors.mutedText }),
      textElement(x + 12, top + 45, kpi.value, { size: KPI_VALUE_SIZE, weight: 'bold', fill: kpi.color }),
    ]);
  });
  return { svg: group(parts, { class: 'kpis' }), width };
}

function renderHeader(input: DashboardInput): string {
  const kpis = renderKpis(latestKpis(input));
  const textWidth = DASHBOARD_WIDTH - 2 * MARGIN - kpis.width - (kpis.width > 0 ? 32 : 0);
  const title = truncateText(String(input.title ?? ''), textWidth, fontSizes.title, true);
  const subtitle = input.subtitle ? truncateText(input.subtitle, textWidth, fontSizes.subtitle) : '';
  return group(
    [
      textElement(MARGIN + 4, subtitle ? 50 : 60, title, { size: fontSizes.title, weight: 'bold', fill: colors.text }),
      subtitle ? textElement(MARGIN + 4, 78, subtitle, { size: fontSizes.subtitle, fill: colors.mutedText }) : '',
      kpis.svg,
    ],
    { class: 'header' },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Public API

/**
 * Renders panels so that every legend-bearing panel in a grid row reserves the same legend height, which
 * lines up their plot areas. Panels without a legend (the confusion matrix, "no data") keep their full height.
 */
function renderPanelGrid(panels: readonly PanelSpec[]): string[] {
  const rowLegendHeights = new Map<number, number>();
  for (const panel of panels) {
    const rowKey = panel.frame.y;
    rowLegendHeights.set(rowKey, Math.max(rowLegendHeights.get(rowKey) ?? 0, panelLegendHeight(panel)));
  }
  return panels.map((panel) => {
    const hasLegend = (panel.legend?.length ?? 0) > 0;
    return renderPanel(panel, hasLegend ? (rowLegendHeights.get(panel.frame.y) ?? 0) : 0);
  });
}

function monthlyLineDefinitions(input: DashboardInput): { auc: MetricLine[]; rates: MetricLine[] } {
  const thresholds = input.thresholds ?? {};
  return {
    auc: [
      {
        metric: 'auc',
        label: 'AUC',
        color: colors.model,
        minimum: finiteOrUndefined(thresholds.minAuc),
        minimumLabel: 'Min AUC',
      },
    ],
    rates: [
      {
        metric: 'precision',
        label: 'Precision',
        color: colors.precision,
        minimum: finiteOrUndefined(thresholds.minPrecision),
        minimumLabel: 'Min precision',
      },
      {
        metric: 'recall',
        label: 'Recall',
        color: colors.recall,
        minimum: finiteOrUndefined(thresholds.minRecall),
        minimumLabel: 'Min recall',
      },
      { metric: 'f1', label: 'F1', color: colors.f1, minimumLabel: 'Min F1' },
    ],
  };
}

export function buildDashboardSvg(input: DashboardInput): string {
  const frames = panelFrames();
  const frame = (index: number): Rect => frames[index];
  const counts = sanitiseConfusion(input.confusion);
  const months = Array.isArray(input.monthly) ? input.monthly : [];
  const lines = monthlyLineDefinitions(input);
  const panels: PanelSpec[] = [
    rocPanel(input, frame(0), counts),
    prPanel(input, frame(1), counts),
    confusionPanel(input, frame(2), counts),
    histogramPanel(input, frame(3)),
    monthlyPanel('monthly-auc', 'Monthly AUC', months, lines.auc, frame(4)),
    monthlyPanel('monthly-rates', 'Monthly precision, recall & F1', months, lines.rates, frame(5)),
  ];
  return svgDocument(DASHBOARD_WIDTH, DASHBOARD_HEIGHT, [
    rect({ x: 0, y: 0, width: DASHBOARD_WIDTH, height: DASHBOARD_HEIGHT }, { fill: colors.background }),
    renderHeader(input),
    ...renderPanelGrid(panels),
  ]);
}

export function renderDashboardPng(input: DashboardInput): Buffer {
  return renderSvgToPng(buildDashboardSvg(input));
}
