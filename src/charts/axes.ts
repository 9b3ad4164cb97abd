/** Scales, "nice" tick generation and axis/grid drawing shared by the cartesian charts. */
import { colors, fontSizes } from './theme.js';
import { type Rect, formatNumber, group, line, textElement } from './svg.js';

export type Domain = readonly [number, number];
export type Scale = (value: number) => number;

export interface Tick {
  value: number;
  label: string;
}

/** Linear mapping from a data domain to a pixel range; a zero-width domain maps to the range midpoint. */
export function linearScale(domain: Domain, range: Domain): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  if (span === 0) return () => (r0 + r1) / 2;
  return (value) => r0 + ((value - d0) / span) * (r1 - r0);
}

/**
 * A 1/2/5 × 10^k step that splits `span` into roughly `targetCount` intervals, rounding to the nearest
 * nice factor (as d3 does) rather than always up, so short ranges still get enough gridlines.
 */
export function niceStep(span: number, targetCount: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, targetCount);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalised = raw / magnitude;
  const factor =
    normalised >= Math.sqrt(50) ? 10 : normalised >= Math.sqrt(10) ? 5 : normalised >= Math.sqrt(2) ? 2 : 1;
  return factor * magnitude;
}

/** Removes binary floating-point noise (0.30000000000000004 → 0.3) from tick values. */
function cleanFloat(value: number): number {
  return Number(value.toPrecision(12));
}

/** Tick values at nice steps inside [min, max]. */
export function niceTicks(min: number, max: number, targetCount = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) return [];
  if (min === max) return [cleanFloat(min)];
  const step = niceStep(max - min, targetCount);
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(cleanFloat(i * step));
  return ticks;
}

/** Expands a domain outward to nice step boundaries so the axis starts and ends on a labelled tick. */
export function niceDomain(min: number, max: number, targetCount = 5): Domain {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (min === max) return [min - 0.5, max + 0.5];
  const step = niceStep(max - min, targetCount);
  return [cleanFloat(Math.floor(min / step + 1e-9) * step), cleanFloat(Math.ceil(max / step - 1e-9) * step)];
}

/** Number of decimals needed to distinguish ticks spaced by `step` (0.25 → 2, 0.2 → 1, 5 → 0). */
export function decimalsForStep(values: readonly number[]): number {
  if (values.length < 2) return values.length === 1 && !Number.isInteger(values[0]) ? 2 : 0;
  const step = Math.abs(values[1] - values[0]);
  const text = cleanFloat(step).toString();
  const dot = text.indexOf('.');
  return text.includes('e') ? 4 : dot === -1 ? 0 : text.length - dot - 1;
}

export function numericTicks(domain: Domain, targetCount = 5, format?: (value: number) => string): Tick[] {
  const values = niceTicks(domain[0], domain[1], targetCount);
  const decimals = decimalsForStep(values);
  return values.map((value) => ({ value, label: format ? format(value) : formatNumber(value, decimals) }));
}

export interface AxesSpec {
  plot: Rect;
  xScale: Scale;
  yScale: Scale;
  xTicks: readonly Tick[];
  yTicks: readonly Tick[];
  xTitle?: string;
  yTitle?: string;
  /** Vertical grid lines help read curves (ROC/PR) but add noise to categorical axes. */
  verticalGrid?: boolean;
}

/** Inner margins a cartesian plot needs around its data area for tick labels and axis titles. */
export const AXIS_MARGINS = { left: 58, right: 14, top: 8, bottom: 46 } as const;

export function plotAreaWithin(area: Rect): Rect {
  return {
    x: area.x + AXIS_MARGINS.left,
    y: area.y + AXIS_MARGINS.top,
    width: Math.max(10, area.width - AXIS_MARGINS.left - AXIS_MARGINS.right),
    height: Math.max(10, area.height - AXIS_MARGINS.top - AXIS_MARGINS.bottom),
  };
}

/** Grid lines, the two axis lines, tick marks/labels and axis titles. Drawn beneath the data. */
export function drawAxes(spec: AxesSpec): string {
  const { plot, xScale, yScale } = spec;
  const bottom = plot.y + plot.height;
  const right = plot.x + plot.width;
  const parts: string[] = [];

  for (const tick of spec.yTicks) {
    const y = yScale(tick.value);
    parts.push(line(plot.x, y, right, y, colors.grid, { 'stroke-width': 1 }));
    parts.push(line(plot.x - 4, y, plot.x, y, colors.axis));
    parts.push(
      textElement(plot.x - 7, y, tick.label, {
        size: fontSizes.tick,
        anchor: 'end',
        middle: true,
        fill: colors.mutedText,
      }),
    );
  }
  for (const tick of spec.xTicks) {
    const x = xScale(tick.value);
    if (spec.verticalGrid) parts.push(line(x, plot.y, x, bottom, colors.grid, { 'stroke-width': 1 }));
    parts.push(line(x, bottom, x, bottom + 4, colors.axis));
    parts.push(
      textElement(x, bottom + 17, tick.label, { size: fontSizes.tick, anchor: 'middle', fill: colors.mutedText }),
    );
  }
  parts.push(line(plot.x, bottom, right, bottom, colors.axis));
  parts.push(line(plot.x, plot.y, plot.x, bottom, colors.axis));

  if (spec.xTitle) {
    parts.push(
      textElement(plot.x + plot.width / 2, bottom + 37, spec.xTitle, {
        size: fontSizes.axisTitle,
        anchor: 'middle',
        fill: colors.text,
      }),
    );
  }
  if (spec.yTitle) {
    const x = plot.x - 46;
    const y = plot.y + plot.height / 2;
    parts.push(
      textElement(x, y, spec.yTitle, { size: fontSizes.axisTitle, anchor: 'middle', fill: colors.text, rotate: -90 }),
    );
  }
  return group(parts, { class: 'axes' });
}
