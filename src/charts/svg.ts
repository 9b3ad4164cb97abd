/** Low-level SVG string helpers: escaping, element building, number formatting and text measurement. */
import { FONT_FAMILY, colors } from './theme.js';

export type AttrValue = string | number | undefined;
export type Attrs = Readonly<Record<string, AttrValue>>;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Escapes text for use in XML content or attribute values; also drops control chars XML 1.0 forbids. */
export function escapeXml(value: string): string {
  return value
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/[&<>"']/g, (ch) => XML_ESCAPES[ch] ?? ch);
}

/** Rounds coordinates to 2 decimals to keep the SVG compact; never emits NaN (renderers reject it). */
export function formatCoord(value: number): string {
  if (!Number.isFinite(value)) return '0';
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

function formatAttr(value: string | number): string {
  return typeof value === 'number' ? formatCoord(value) : escapeXml(value);
}

/** Builds one element. `children` must already be SVG markup (use `textContent` for raw strings). */
export function element(tag: string, attrs: Attrs, children: string | readonly string[] = ''): string {
  const attrText = Object.entries(attrs)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${formatAttr(value)}"`)
    .join('');
  const body = typeof children === 'string' ? children : children.join('');
  return body === '' ? `<${tag}${attrText}/>` : `<${tag}${attrText}>${body}</${tag}>`;
}

export function group(children: readonly string[], attrs: Attrs = {}): string {
  return element('g', attrs, children);
}

export type TextAnchor = 'start' | 'middle' | 'end';

export interface TextOptions {
  size: number;
  anchor?: TextAnchor;
  weight?: 'normal' | 'bold';
  fill?: string;
  /** Rotation in degrees around (x, y). */
  rotate?: number;
  /** Vertical centring: resvg supports dominant-baseline, which keeps labels centred on a y coordinate. */
  middle?: boolean;
}

/** A text element with escaped content. */
export function textElement(x: number, y: number, content: string, options: TextOptions): string {
  return element(
    'text',
    {
      x,
      y,
      'font-size': options.size,
      'font-weight': options.weight === 'bold' ? 'bold' : undefined,
      'text-anchor': options.anchor && options.anchor !== 'start' ? options.anchor : undefined,
      'dominant-baseline': options.middle ? 'central' : undefined,
      fill: options.fill ?? colors.text,
      transform: options.rotate
        ? `rotate(${formatCoord(options.rotate)} ${formatCoord(x)} ${formatCoord(y)})`
        : undefined,
    },
    escapeXml(content),
  );
}

export function line(x1: number, y1: number, x2: number, y2: number, stroke: string, extra: Attrs = {}): string {
  return element('line', { x1, y1, x2, y2, stroke, ...extra });
}

export function rect(area: Rect, attrs: Attrs): string {
  return element('rect', {
    x: area.x,
    y: area.y,
    width: Math.max(0, area.width),
    height: Math.max(0, area.height),
    ...attrs,
  });
}

/** Path data for a polyline through screen points. */
export function polylinePath(points: readonly (readonly [number, number])[]): string {
  return points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${formatCoord(x)} ${formatCoord(y)}`).join('');
}

export function svgDocument(width: number, height: number, children: readonly string[]): string {
  return element(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      width,
      height,
      viewBox: `0 0 ${formatCoord(width)} ${formatCoord(height)}`,
      'font-family': `${FONT_FAMILY}, sans-serif`,
    },
    children,
  );
}

/** Fixed-decimal formatting that never prints "-0.00" and shows a dash for missing values. */
export function formatNumber(value: number | null | undefined, decimals: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const text = value.toFixed(decimals);
  return /^-0(\.0+)?$/.test(text) ? text.slice(1) : text;
}

export function formatPercent(fraction: number, decimals = 1): string {
  return `${formatNumber(fraction * 100, decimals)}%`;
}

/** Thousands separators without depending on the ICU data of the host. */
export function formatCount(value: number): string {
  const rounded = Math.round(value);
  const digits = String(Math.abs(rounded)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return rounded < 0 ? `-${digits}` : digits;
}

// Advance widths of DejaVu Sans in em, grouped by character class (from the font's hmtx table, rounded up).
const NARROW_CHARS = new Set([..." .,:;!|'ijlI·"]);
const SEMI_NARROW_CHARS = new Set([...'()[]{}-/frt–']);
const WIDE_CHARS = new Set([...'mwMW%@—=+<>~&']);
const BOLD_WIDTH_FACTOR = 1.1;

function charWidthEm(ch: string): number {
  if (NARROW_CHARS.has(ch)) return 0.32;
  if (SEMI_NARROW_CHARS.has(ch)) return 0.42;
  if (WIDE_CHARS.has(ch)) return 0.92;
  if (ch >= '0' && ch <= '9') return 0.64;
  if (ch >= 'A' && ch <= 'Z') return 0.72;
  if (ch >= 'a' && ch <= 'z') return 0.62;
  return 0.7;
}

/**
 * Approximate rendered width of DejaVu Sans text. There is no layout engine before rasterising, so we sum
 * per-class advance widths and round up slightly — erring wide keeps labels from colliding.
 */
export function estimateTextWidth(content: string, size: number, bold = false): number {
  let em = 0;
  for (const ch of content) em += charWidthEm(ch);
  return em * size * (bold ? BOLD_WIDTH_FACTOR : 1) * 1.03;
}

/** Shortens text with an ellipsis so its estimated width fits. */
export function truncateText(content: string, maxWidth: number, size: number, bold = false): string {
  if (estimateTextWidth(content, size, bold) <= maxWidth) return content;
  const chars = [...content];
  while (chars.length > 0 && estimateTextWidth(`${chars.join('').trimEnd()}…`, size, bold) > maxWidth) chars.pop();
  return `${chars.join('').trimEnd()}…`;
}
