/**
 * Pictures of a segmentation run, drawn with the dashboard's chart code: the elbow curve with the chosen k
 * marked, and a cluster map of the scaled training rows. Pure: data in, SVG (or PNG) out.
 */
import { type Domain, type Tick, niceDomain, niceTicks, numericTicks } from '../../charts/axes.js';
import type { LegendItem } from '../../charts/legend.js';
import { renderLineChart } from '../../charts/line-chart.js';
import { type PanelSpec, renderNoData, renderPanel } from '../../charts/panel.js';
import { renderSvgToPng } from '../../charts/render.js';
import { type ScatterGroup, type ScatterMark, renderScatterChart } from '../../charts/scatter-chart.js';
import {
  type Rect,
  formatCount,
  formatNumber,
  group,
  rect,
  svgDocument,
  textElement,
  truncateText,
} from '../../charts/svg.js';
import { colors, fontSizes } from '../../charts/theme.js';

export const SEGMENTATION_CHART_WIDTH = 1000;
export const SEGMENTATION_CHART_HEIGHT = 680;

const MARGIN = 24;
const HEADER_HEIGHT = 96;
/** Legend entries beyond this many clusters collapse into one "+N more" entry so the plot keeps its room. */
const MAX_LEGEND_CLUSTERS = 12;
/** Tableau 10: distinguishable, colour-blind-friendlier than a rainbow; cycles past ten clusters. */
export const CLUSTER_PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
] as const;

export const clusterColor = (cluster: number): string => CLUSTER_PALETTE[cluster % CLUSTER_PALETTE.length];

/** Same chrome as the monitoring dashboard: a header on the background and one titled panel. */
function singlePanelPicture(title: string, subtitle: string, panel: Omit<PanelSpec, 'frame'>): string {
  const width = SEGMENTATION_CHART_WIDTH - 2 * MARGIN;
  const frame: Rect = {
    x: MARGIN,
    y: HEADER_HEIGHT,
    width,
    height: SEGMENTATION_CHART_HEIGHT - HEADER_HEIGHT - MARGIN,
  };
  return svgDocument(SEGMENTATION_CHART_WIDTH, SEGMENTATION_CHART_HEIGHT, [
    rect(
      { x: 0, y: 0, width: SEGMENTATION_CHART_WIDTH, height: SEGMENTATION_CHART_HEIGHT },
      { fill: colors.background },
    ),
    group(
      [
        textElement(MARGIN + 4, 46, truncateText(title, width, fontSizes.title, true), {
          size: fontSizes.title,
          weight: 'bold',
        }),
        textElement(MARGIN + 4, 74, truncateText(subtitle, width, fontSizes.subtitle), {
          size: fontSizes.subtitle,
          fill: colors.mutedText,
        }),
      ],
      { class: 'header' },
    ),
    renderPanel({ ...panel, frame }),
  ]);
}

/** SSE and BIC run to six or seven digits; "120k" fits the axis margin where "-120000" would not. */
function compactLabel(value: number, span: number): string {
  if (Math.abs(value) >= 10_000 && span >= 1_000) return `${formatNumber(value / 1000, span >= 10_000 ? 0 : 1)}k`;
  return formatNumber(value, Number.isInteger(value) ? 0 : 2);
}

/** Integer k ticks: every k when there are few, otherwise nice integer steps. */
function kTicks(kMin: number, kMax: number): Tick[] {
  const values =
    kMax - kMin <= 20
      ? Array.from({ length: kMax - kMin + 1 }, (_, i) => kMin + i)
      : niceTicks(kMin, kMax, 10).filter(Number.isInteger);
  return values.map((k) => ({ value: k, label: String(k) }));
}

export interface ElbowChartInput {
  title: string;
  subtitle: string;
  metric: 'sse' | 'bic';
  curve: readonly { k: number; score: number }[];
  optimalK: number;
  /** False when Kneedle found no knee and the smallest k was taken. */
  elbowFound: boolean;
}

export function buildElbowSvg(input: ElbowChartInput): string {
  const curve = [...input.curve]
    .filter((p) => Number.isFinite(p.k) && Number.isFinite(p.score))
    .sort((a, b) => a.k - b.k);
  const metricLabel = input.metric === 'sse' ? 'SSE (within-cluster sum of squares)' : 'BIC';
  const chosen = curve.find((p) => p.k === input.optimalK);
  const chosenLabel = `Chosen k = ${input.optimalK}${input.elbowFound ? ' (elbow)' : ' (no elbow: smallest k)'}`;
  const legend: LegendItem[] = curve.length
    ? [
        { label: input.metric === 'sse' ? 'SSE' : 'BIC', color: colors.model, symbol: 'line' },
        { label: chosenLabel, color: colors.operatingPoint, symbol: 'ring' },
      ]
    : [];
  return singlePanelPicture(input.title, input.subtitle, {
    id: 'elbow',
    title: `${input.metric === 'sse' ? 'SSE' : 'BIC'} by number of clusters k`,
    legend,
    renderBody: (content) => {
      if (curve.length === 0) return renderNoData(content, 'No curve');
      const kMin = curve[0].k;
      const kMax = curve[curve.length - 1].k;
      const scores = curve.map((p) => p.score);
      const yDomain = niceDomain(Math.min(...scores), Math.max(...scores), 5);
      const span = yDomain[1] - yDomain[0];
      return renderLineChart(
        {
          // Half a k of padding keeps the first and last markers off the axes.
          xDomain: [kMin - 0.5, kMax + 0.5],
          yDomain,
          xTicks: kTicks(kMin, kMax),
          yTicks: numericTicks(yDomain, 5, (value) => compactLabel(value, span)),
          xTitle: 'Number of clusters k',
          yTitle: metricLabel,
          verticalGrid: false,
          series: [
            // The chosen k as a dashed vertical line across the whole plot, beneath the curve.
            ...(chosen
              ? [
                  {
                    label: 'Chosen k',
                    color: colors.operatingPoint,
                    points: [
                      { x: chosen.k, y: yDomain[0] },
                      { x: chosen.k, y: yDomain[1] },
                    ],
                    dashed: true,
                    strokeWidth: 1.75,
                  },
                ]
              : []),
            { label: 'Curve', color: colors.model, points: curve.map((p) => ({ x: p.k, y: p.score })), markers: true },
          ],
          highlights: chosen ? [{ x: chosen.k, y: chosen.score, color: colors.operatingPoint }] : [],
        },
        content,
      );
    },
  });
}

export interface ClusterMapInput {
  title: string;
  subtitle: string;
  /** The plotted features: the first on x, the second (if any) on y; with one feature y is the row's position. */
  axes: readonly [string] | readonly [string, string];
  /** Scaled coordinates (0–1 on the training rows) and the assigned cluster of each row. */
  points: readonly { x: number; y: number; cluster: number }[];
  k: number;
  /** Cluster centres (K-Means centroids, GMM means) in the same scaled coordinates. */
  centres?: readonly { cluster: number; x: number; y: number }[];
}

/** Covers [0, 1] (the scaler's range on training rows) and anything beyond it, with a little air. */
function scaledDomain(values: readonly number[]): { domain: Domain; ticks: Tick[] } {
  const lo = Math.min(0, ...values);
  const hi = Math.max(1, ...values);
  const pad = (hi - lo) * 0.04;
  const ticks = numericTicks([lo, hi], 5);
  return { domain: [lo - pad, hi + pad], ticks };
}

export function buildClusterMapSvg(input: ClusterMapInput): string {
  const counts = new Array<number>(input.k).fill(0);
  for (const p of input.points) if (p.cluster >= 0 && p.cluster < input.k) counts[p.cluster]++;
  // Largest clusters first, so the small ones are drawn last and stay visible on top.
  const order = counts.map((n, cluster) => ({ n, cluster })).sort((a, b) => b.n - a.n || a.cluster - b.cluster);
  const groups: ScatterGroup[] = order.map(({ cluster }) => ({
    label: `Cluster ${cluster}`,
    color: clusterColor(cluster),
    points: input.points.filter((p) => p.cluster === cluster),
  }));
  const shown = counts.map((n, cluster) => ({ n, cluster })).filter(({ n }) => n > 0);
  const legend: LegendItem[] = [
    ...shown.slice(0, MAX_LEGEND_CLUSTERS).map(({ n, cluster }): LegendItem => ({
      label: `Cluster ${cluster} (${formatCount(n)})`,
      color: clusterColor(cluster),
      symbol: 'dot',
    })),
    ...(shown.length > MAX_LEGEND_CLUSTERS
      ? [{ label: `+${shown.length - MAX_LEGEND_CLUSTERS} more`, color: colors.mutedText, symbol: 'dot' as const }]
      : []),
    ...(input.centres?.length ? [{ label: 'Centre', color: colors.text, symbol: 'ring' as const }] : []),
  ];
  const [xFeature, yFeature] = input.axes;
  const title = yFeature ? `Clusters on ${xFeature} × ${yFeature}` : `Clusters on ${xFeature}`;
  return singlePanelPicture(input.title, input.subtitle, {
    id: 'cluster-map',
    title: `${title} (min–max scaled)`,
    legend: input.points.length ? legend : [],
    renderBody: (content) => {
      if (input.points.length === 0) return renderNoData(content, 'No rows');
      const x = scaledDomain(input.points.map((p) => p.x));
      const y = yFeature
        ? scaledDomain(input.points.map((p) => p.y))
        : { domain: [-0.5, input.points.length - 0.5] as Domain, ticks: numericTicks([0, input.points.length - 1], 5) };
      const marks: ScatterMark[] = (input.centres ?? []).map((c) => ({
        x: c.x,
        y: c.y,
        color: clusterColor(c.cluster),
      }));
      return renderScatterChart(
        {
          xDomain: x.domain,
          yDomain: y.domain,
          xTicks: x.ticks,
          yTicks: y.ticks.filter((t) => Number.isInteger(t.value) || yFeature !== undefined),
          xTitle: `${xFeature} (scaled)`,
          yTitle: yFeature ? `${yFeature} (scaled)` : 'Row',
          groups,
          marks: yFeature ? marks : [],
          // Fewer, larger dots for small data sets; small ones when thousands overlap.
          radius: input.points.length > 2000 ? 2.2 : 3.5,
        },
        content,
      );
    },
  });
}

export const renderElbowPng = (input: ElbowChartInput): Buffer => renderSvgToPng(buildElbowSvg(input));
export const renderClusterMapPng = (input: ClusterMapInput): Buffer => renderSvgToPng(buildClusterMapSvg(input));
