/**
 * Six-panel model-monitoring dashboard (ROC, PR, confusion matrix, score drift, monthly AUC, monthly
 * precision/recall/F1) built as a pure SVG string and rasterised with resvg — no browser involved.
 */
import { type PanelSpec, panelLegendHeight, renderPanel } from '../../../charts/panel.js';
import { renderSvgToPng } from '../../../charts/render.js';
import { type Rect, formatNumber, group, rect, svgDocument, textElement, truncateText } from '../../../charts/svg.js';
import { colors, fontSizes } from '../../../charts/theme.js';
import { type DashboardInput, finiteOrNull, finiteOrUndefined, psiBand, sanitiseConfusion } from './dashboard-input.js';
import {
  type MetricLine,
  confusionPanel,
  histogramPanel,
  monthlyPanel,
  prPanel,
  rocPanel,
} from './dashboard-panels.js';

export type { DashboardInput } from './dashboard-input.js';
export { monthLabelIndices, metricDomain } from './dashboard-panels.js';

export const DASHBOARD_WIDTH = 1800;
export const DASHBOARD_HEIGHT = 1100;

const MARGIN = 24;
const GAP = 20;
const HEADER_HEIGHT = 104;
const COLUMNS = 3;
const ROWS = 2;
const KPI_WIDTH = 112;
const KPI_GAP = 10;
const KPI_VALUE_SIZE = 19;

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
