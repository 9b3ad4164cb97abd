/** Grouped histogram: one bar per series inside each bin, bins defined by numeric edges. */
import { type Domain, type Tick, drawAxes, linearScale, plotAreaWithin } from './axes.js';
import { type Rect, group, rect } from './svg.js';

export interface HistogramSeries {
  label: string;
  color: string;
  /** Value per bin; missing or non-finite entries draw no bar. */
  values: readonly number[];
}

export interface HistogramSpec {
  /** Bin edges, strictly increasing; bin i spans [edges[i], edges[i+1]). */
  edges: readonly number[];
  series: readonly HistogramSeries[];
  yDomain: Domain;
  xTicks: readonly Tick[];
  yTicks: readonly Tick[];
  xTitle?: string;
  yTitle?: string;
}

/** Fraction of each bin's width left empty so neighbouring bins stay visually separate. */
const BIN_GAP_FRACTION = 0.18;

export function renderHistogram(spec: HistogramSpec, area: Rect): string {
  const plot = plotAreaWithin(area);
  const { edges } = spec;
  const xDomain: Domain = [edges[0] ?? 0, edges[edges.length - 1] ?? 1];
  const xScale = linearScale(xDomain, [plot.x, plot.x + plot.width]);
  const yScale = linearScale(spec.yDomain, [plot.y + plot.height, plot.y]);
  const seriesCount = Math.max(1, spec.series.length);
  const bars: string[] = [];

  for (let bin = 0; bin + 1 < edges.length; bin++) {
    const left = xScale(edges[bin]);
    const right = xScale(edges[bin + 1]);
    const gap = (right - left) * BIN_GAP_FRACTION;
    const barWidth = (right - left - gap) / seriesCount;
    spec.series.forEach((series, index) => {
      const value = series.values[bin];
      if (value === undefined || !Number.isFinite(value) || value <= 0) return;
      const top = yScale(Math.min(value, spec.yDomain[1]));
      bars.push(
        rect(
          { x: left + gap / 2 + index * barWidth, y: top, width: barWidth, height: plot.y + plot.height - top },
          { fill: series.color, 'data-series': series.label },
        ),
      );
    });
  }

  return group(
    [
      drawAxes({
        plot,
        xScale,
        yScale,
        xTicks: spec.xTicks,
        yTicks: spec.yTicks,
        xTitle: spec.xTitle,
        yTitle: spec.yTitle,
      }),
      group(bars, { class: 'bars' }),
    ],
    { class: 'histogram' },
  );
}
