/** A titled card that hosts one chart; every panel shares the same chrome so the grid looks uniform. */
import { type LegendItem, layoutLegend } from './legend.js';
import { colors, fontSizes } from './theme.js';
import { type Rect, group, rect, textElement, truncateText } from './svg.js';

export interface PanelSpec {
  /** Stable identifier, emitted as data-panel for tests and debugging. */
  id: string;
  title: string;
  frame: Rect;
  legend?: readonly LegendItem[];
  /** Draws the chart into the content area left below the title and legend. */
  renderBody: (content: Rect) => string;
}

const PADDING = 16;
const TITLE_BASELINE = 30;
const LEGEND_TOP = 42;
const LEGEND_BOTTOM_GAP = 8;

function innerWidth(frame: Rect): number {
  return frame.width - 2 * PADDING;
}

/** Height the panel's legend will occupy; lets a grid row reserve the same space so plot areas line up. */
export function panelLegendHeight(spec: PanelSpec): number {
  return layoutLegend(spec.legend ?? [], 0, 0, innerWidth(spec.frame)).height;
}

/** Draws the card, title and legend, then the body; `reservedLegendHeight` aligns plots across a row. */
export function renderPanel(spec: PanelSpec, reservedLegendHeight = 0): string {
  const { frame } = spec;
  const width = innerWidth(frame);
  const title = truncateText(spec.title, width, fontSizes.panelTitle, true);
  const legend = layoutLegend(spec.legend ?? [], frame.x + PADDING, frame.y + LEGEND_TOP, width);
  const legendHeight = Math.max(legend.height, reservedLegendHeight);
  const contentTop = frame.y + LEGEND_TOP + (legendHeight > 0 ? legendHeight + LEGEND_BOTTOM_GAP : 0);
  const content: Rect = {
    x: frame.x + PADDING,
    y: contentTop,
    width,
    height: frame.y + frame.height - PADDING - contentTop,
  };
  return group(
    [
      rect(frame, { fill: colors.panel, stroke: colors.panelBorder, 'stroke-width': 1, rx: 8 }),
      textElement(frame.x + PADDING, frame.y + TITLE_BASELINE, title, {
        size: fontSizes.panelTitle,
        weight: 'bold',
        fill: colors.text,
      }),
      legend.svg,
      spec.renderBody(content),
    ],
    { class: 'panel', 'data-panel': spec.id },
  );
}

/** Placeholder drawn instead of a chart when its input is empty or unusable. */
export function renderNoData(area: Rect, message = 'No data'): string {
  return group(
    [
      rect(
        { x: area.x + 8, y: area.y + 8, width: area.width - 16, height: area.height - 16 },
        { fill: '#fafbfc', stroke: colors.panelBorder, 'stroke-dasharray': '5 4', rx: 6 },
      ),
      textElement(area.x + area.width / 2, area.y + area.height / 2, message, {
        size: fontSizes.noData,
        anchor: 'middle',
        middle: true,
        fill: colors.mutedText,
      }),
    ],
    { class: 'no-data' },
  );
}
