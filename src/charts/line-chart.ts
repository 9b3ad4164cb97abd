/** Multi-series line chart with gaps for missing values, horizontal threshold rules and highlighted points. */
import { type Domain, type Scale, type Tick, drawAxes, linearScale, plotAreaWithin } from './axes.js';
import { DASH_PATTERN } from './legend.js';
import { colors } from './theme.js';
import { type Rect, element, formatCoord, group, line, polylinePath } from './svg.js';

export interface LinePoint {
  x: number;
  /** null leaves a gap in the line (e.g. a month whose metric could not be computed). */
  y: number | null;
}

export interface LineSeries {
  label: string;
  color: string;
  points: readonly LinePoint[];
  dashed?: boolean;
  /** Draw a dot per point; needed for sparse series where a lone point would otherwise be invisible. */
  markers?: boolean;
  strokeWidth?: number;
  /** Lightly shade the area under the curve (used for ROC). */
  areaFill?: boolean;
  /** Markers whose value is below this are drawn in the alert colour. */
  alertBelow?: number;
}

export interface HorizontalRule {
  value: number;
  color: string;
}

export interface HighlightPoint {
  x: number;
  y: number;
  color: string;
}

export interface LineChartSpec {
  xDomain: Domain;
  yDomain: Domain;
  xTicks: readonly Tick[];
  yTicks: readonly Tick[];
  xTitle?: string;
  yTitle?: string;
  verticalGrid?: boolean;
  series: readonly LineSeries[];
  rules?: readonly HorizontalRule[];
  highlights?: readonly HighlightPoint[];
}

type ScreenPoint = readonly [number, number];

function clamp(value: number, domain: Domain): number {
  return Math.min(Math.max(value, Math.min(domain[0], domain[1])), Math.max(domain[0], domain[1]));
}

/** Splits points into runs of consecutive defined values so nulls become visible gaps. */
export function splitIntoSegments(points: readonly LinePoint[]): LinePoint[][] {
  const segments: LinePoint[][] = [];
  let current: LinePoint[] = [];
  for (const point of points) {
    if (point.y === null || !Number.isFinite(point.y) || !Number.isFinite(point.x)) {
      if (current.length > 0) segments.push(current);
      current = [];
    } else {
      current.push(point);
    }
  }
  if (current.length > 0) segments.push(current);
  return segments;
}

interface Projection {
  x: Scale;
  y: Scale;
  spec: LineChartSpec;
}

function toScreen(point: LinePoint, projection: Projection): ScreenPoint {
  const { spec } = projection;
  return [projection.x(clamp(point.x, spec.xDomain)), projection.y(clamp(point.y ?? 0, spec.yDomain))];
}

function renderSeries(series: LineSeries, projection: Projection): string {
  const segments = splitIntoSegments(series.points);
  const parts: string[] = [];
  const baselineY = projection.y(Math.min(projection.spec.yDomain[0], projection.spec.yDomain[1]));
  for (const segment of segments) {
    const screen = segment.map((point) => toScreen(point, projection));
    if (series.areaFill && screen.length > 1) {
      const first = screen[0];
      const last = screen[screen.length - 1];
      const base = formatCoord(baselineY);
      const area = `${polylinePath(screen)}L${formatCoord(last[0])} ${base}L${formatCoord(first[0])} ${base}Z`;
      parts.push(element('path', { d: area, fill: series.color, 'fill-opacity': 0.08, stroke: 'none' }));
    }
    if (screen.length > 1) {
      parts.push(
        element('path', {
          d: polylinePath(screen),
          fill: 'none',
          stroke: series.color,
          'stroke-width': series.strokeWidth ?? 2.5,
          'stroke-linejoin': 'round',
          'stroke-linecap': 'round',
          'stroke-dasharray': series.dashed ? DASH_PATTERN : undefined,
        }),
      );
    }
  }
  const showMarkers = series.markers ?? false;
  for (const segment of segments) {
    for (const point of segment) {
      const alert = series.alertBelow !== undefined && point.y !== null && point.y < series.alertBelow;
      // Lone points between gaps have no line through them, and breaches must stay visible, so both always get one.
      if (!showMarkers && !alert && segment.length > 1) continue;
      const [cx, cy] = toScreen(point, projection);
      parts.push(
        element('circle', {
          cx,
          cy,
          r: alert ? 5 : 4,
          fill: alert ? colors.alert : series.color,
          stroke: '#ffffff',
          'stroke-width': 1.5,
        }),
      );
    }
  }
  return group(parts, { class: 'series', 'data-series': series.label });
}

function renderRule(rule: HorizontalRule, plot: Rect, projection: Projection): string {
  const y = projection.y(clamp(rule.value, projection.spec.yDomain));
  return line(plot.x, y, plot.x + plot.width, y, rule.color, {
    'stroke-width': 1.75,
    'stroke-dasharray': DASH_PATTERN,
    'stroke-opacity': 0.9,
  });
}

function renderHighlight(point: HighlightPoint, projection: Projection): string {
  const [cx, cy] = toScreen(point, projection);
  return element('circle', { cx, cy, r: 6, fill: '#ffffff', stroke: point.color, 'stroke-width': 3 });
}

export function renderLineChart(spec: LineChartSpec, area: Rect): string {
  const plot = plotAreaWithin(area);
  const projection: Projection = {
    x: linearScale(spec.xDomain, [plot.x, plot.x + plot.width]),
    y: linearScale(spec.yDomain, [plot.y + plot.height, plot.y]),
    spec,
  };
  return group(
    [
      drawAxes({
        plot,
        xScale: projection.x,
        yScale: projection.y,
        xTicks: spec.xTicks,
        yTicks: spec.yTicks,
        xTitle: spec.xTitle,
        yTitle: spec.yTitle,
        verticalGrid: spec.verticalGrid,
      }),
      ...(spec.rules ?? []).map((rule) => renderRule(rule, plot, projection)),
      ...spec.series.map((series) => renderSeries(series, projection)),
      ...(spec.highlights ?? []).map((point) => renderHighlight(point, projection)),
    ],
    { class: 'line-chart' },
  );
}
