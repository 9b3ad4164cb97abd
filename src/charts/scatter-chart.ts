/** Scatter chart: many small translucent dots coloured by group, with optional larger marked centres on top. */
import { type Domain, type Tick, drawAxes, linearScale, plotAreaWithin } from './axes.js';
import { type Rect, element, formatCoord, group } from './svg.js';

export interface ScatterPoint {
  x: number;
  y: number;
}

export interface ScatterGroup {
  label: string;
  color: string;
  points: readonly ScatterPoint[];
}

/** A point drawn above every group, e.g. a cluster centre. */
export interface ScatterMark {
  x: number;
  y: number;
  color: string;
}

export interface ScatterChartSpec {
  xDomain: Domain;
  yDomain: Domain;
  xTicks: readonly Tick[];
  yTicks: readonly Tick[];
  xTitle?: string;
  yTitle?: string;
  groups: readonly ScatterGroup[];
  marks?: readonly ScatterMark[];
  /** Dot radius in pixels; small by default because these charts carry thousands of points. */
  radius?: number;
  /** Overlapping dots stay readable as density when each is partly transparent. */
  opacity?: number;
}

const DEFAULT_RADIUS = 3;
const DEFAULT_OPACITY = 0.65;
const MARK_RADIUS = 7;

const inside = (value: number, domain: Domain): boolean =>
  value >= Math.min(domain[0], domain[1]) && value <= Math.max(domain[0], domain[1]);

/** The dots of one group; points outside the domains or not finite are skipped rather than clamped to an edge. */
function renderGroup(
  scatter: ScatterGroup,
  spec: ScatterChartSpec,
  x: (v: number) => number,
  y: (v: number) => number,
): string {
  const dots = scatter.points
    .filter(
      (p) => Number.isFinite(p.x) && Number.isFinite(p.y) && inside(p.x, spec.xDomain) && inside(p.y, spec.yDomain),
    )
    .map((p) => element('circle', { cx: x(p.x), cy: y(p.y), r: spec.radius ?? DEFAULT_RADIUS }));
  // Fill and opacity once on the group keep the SVG small when there are thousands of dots.
  return group(dots, {
    class: 'scatter-group',
    'data-group': scatter.label,
    fill: scatter.color,
    'fill-opacity': spec.opacity ?? DEFAULT_OPACITY,
  });
}

/** A ringed cross, readable on top of dots of any colour (white halo under a coloured outline). */
function renderMark(mark: ScatterMark, x: number, y: number): string {
  const arm = MARK_RADIUS - 2;
  const [l, r, t, b, cx, cy] = [x - arm, x + arm, y - arm, y + arm, x, y].map(formatCoord);
  const cross = `M${l} ${cy}L${r} ${cy}M${cx} ${t}L${cx} ${b}`;
  return group(
    [
      element('circle', { cx: x, cy: y, r: MARK_RADIUS, fill: '#ffffff', stroke: '#ffffff', 'stroke-width': 4 }),
      element('circle', { cx: x, cy: y, r: MARK_RADIUS, fill: '#ffffff', stroke: mark.color, 'stroke-width': 2.5 }),
      element('path', { d: cross, stroke: mark.color, 'stroke-width': 2, 'stroke-linecap': 'round' }),
    ],
    { class: 'scatter-mark' },
  );
}

export function renderScatterChart(spec: ScatterChartSpec, area: Rect): string {
  const plot = plotAreaWithin(area);
  const x = linearScale(spec.xDomain, [plot.x, plot.x + plot.width]);
  const y = linearScale(spec.yDomain, [plot.y + plot.height, plot.y]);
  const marks = (spec.marks ?? []).filter(
    (m) => Number.isFinite(m.x) && Number.isFinite(m.y) && inside(m.x, spec.xDomain) && inside(m.y, spec.yDomain),
  );
  return group(
    [
      drawAxes({
        plot,
        xScale: x,
        yScale: y,
        xTicks: spec.xTicks,
        yTicks: spec.yTicks,
        xTitle: spec.xTitle,
        yTitle: spec.yTitle,
        verticalGrid: true,
      }),
      ...spec.groups.map((scatter) => renderGroup(scatter, spec, x, y)),
      ...marks.map((mark) => renderMark(mark, x(mark.x), y(mark.y))),
    ],
    { class: 'scatter-chart' },
  );
}
