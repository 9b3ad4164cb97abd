/** Horizontal, wrapping legend drawn above a panel's plot area. */
import { colors, fontSizes } from './theme.js';
import { element, estimateTextWidth, group, line, rect, textElement } from './svg.js';

export type LegendSymbol = 'line' | 'dashed' | 'box' | 'dot' | 'ring';

export interface LegendItem {
  label: string;
  color: string;
  symbol: LegendSymbol;
}

const SYMBOL_WIDTH = 22;
const SYMBOL_GAP = 6;
const ITEM_GAP = 18;
const ROW_HEIGHT = 18;

export const DASH_PATTERN = '6 4';

function legendSymbol(item: LegendItem, x: number, y: number): string {
  switch (item.symbol) {
    case 'line':
      return line(x, y, x + SYMBOL_WIDTH, y, item.color, { 'stroke-width': 2.5, 'stroke-linecap': 'round' });
    case 'dashed':
      return line(x, y, x + SYMBOL_WIDTH, y, item.color, { 'stroke-width': 2, 'stroke-dasharray': DASH_PATTERN });
    case 'box':
      return rect({ x: x + 4, y: y - 6, width: 14, height: 12 }, { fill: item.color, rx: 2 });
    case 'dot':
      return element('circle', {
        cx: x + SYMBOL_WIDTH / 2,
        cy: y,
        r: 5,
        fill: item.color,
        stroke: '#ffffff',
        'stroke-width': 1.5,
      });
    case 'ring':
      return element('circle', {
        cx: x + SYMBOL_WIDTH / 2,
        cy: y,
        r: 5,
        fill: '#ffffff',
        stroke: item.color,
        'stroke-width': 2.5,
      });
  }
}

export interface LegendLayout {
  svg: string;
  height: number;
}

/** Lays items out left-to-right, wrapping to a new row when the estimated width would overflow. */
export function layoutLegend(items: readonly LegendItem[], x: number, y: number, maxWidth: number): LegendLayout {
  if (items.length === 0) return { svg: '', height: 0 };
  const parts: string[] = [];
  let cursorX = x;
  let row = 0;
  for (const item of items) {
    const itemWidth = SYMBOL_WIDTH + SYMBOL_GAP + estimateTextWidth(item.label, fontSizes.legend);
    if (cursorX > x && cursorX + itemWidth > x + maxWidth) {
      row += 1;
      cursorX = x;
    }
    const centreY = y + row * ROW_HEIGHT + ROW_HEIGHT / 2;
    parts.push(legendSymbol(item, cursorX, centreY));
    parts.push(
      textElement(cursorX + SYMBOL_WIDTH + SYMBOL_GAP, centreY, item.label, {
        size: fontSizes.legend,
        middle: true,
        fill: colors.text,
      }),
    );
    cursorX += itemWidth + ITEM_GAP;
  }
  return { svg: group(parts, { class: 'legend' }), height: (row + 1) * ROW_HEIGHT };
}
