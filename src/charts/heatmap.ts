/** 2×2 confusion-matrix heatmap with counts, per-class rates and headline metrics. */
import { colors, fontSizes } from './theme.js';
import { type Rect, formatCount, formatNumber, formatPercent, group, rect, textElement } from './svg.js';

export interface ConfusionCounts {
  tn: number;
  fp: number;
  fn: number;
  tp: number;
}

function hexToRgb(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

/** Linear blend between two #rrggbb colours, t in [0, 1]. */
export function mixColor(from: string, to: string, t: number): string {
  const weight = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  const a = hexToRgb(from);
  const b = hexToRgb(to);
  const channels = a.map((channel, i) => Math.round(channel + (b[i] - channel) * weight));
  return `#${channels.map((channel) => channel.toString(16).padStart(2, '0')).join('')}`;
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

interface CellSpec {
  code: string;
  count: number;
  rowTotal: number;
  total: number;
}

function renderCell(cell: CellSpec, box: Rect): string {
  // Colour by share of the actual class: with imbalanced data, raw counts would leave all but TN near-white.
  const rowRate = ratio(cell.count, cell.rowTotal);
  const rowShare = rowRate ?? 0;
  const fill = mixColor(colors.heatLow, colors.heatHigh, rowShare);
  const textFill = rowShare > 0.5 ? '#ffffff' : colors.text;
  const mutedFill = rowShare > 0.5 ? '#dbe4f5' : colors.mutedText;
  const centreX = box.x + box.width / 2;
  const centreY = box.y + box.height / 2;
  const totalShare = ratio(cell.count, cell.total);
  return group([
    rect(box, { fill, stroke: '#ffffff', 'stroke-width': 3, rx: 4 }),
    textElement(box.x + 10, box.y + 20, cell.code, { size: fontSizes.tick, weight: 'bold', fill: mutedFill }),
    textElement(centreX, centreY - 8, formatCount(cell.count), {
      size: 24,
      weight: 'bold',
      anchor: 'middle',
      fill: textFill,
    }),
    textElement(centreX, centreY + 16, `${rowRate === null ? '–' : formatPercent(rowRate)} of actual`, {
      size: 12,
      anchor: 'middle',
      fill: textFill,
    }),
    textElement(centreX, centreY + 33, `${totalShare === null ? '–' : formatPercent(totalShare)} of all`, {
      size: fontSizes.tick,
      anchor: 'middle',
      fill: mutedFill,
    }),
  ]);
}

const LEFT_LABELS = 104;
const TOP_LABELS = 44;
const BOTTOM_SUMMARY = 40;

export function renderConfusionMatrix(counts: ConfusionCounts, area: Rect): string {
  const { tn, fp, fn, tp } = counts;
  const total = tn + fp + fn + tp;
  const side = Math.max(40, Math.min(area.width - LEFT_LABELS - 20, area.height - TOP_LABELS - BOTTOM_SUMMARY));
  const cell = side / 2;
  const left = area.x + LEFT_LABELS + (area.width - LEFT_LABELS - side) / 2;
  const top = area.y + TOP_LABELS;
  const muted = { size: fontSizes.axisTitle, fill: colors.mutedText } as const;

  const cells: [CellSpec, Rect][] = [
    [
      { code: 'TN', count: tn, rowTotal: tn + fp, total },
      { x: left, y: top, width: cell, height: cell },
    ],
    [
      { code: 'FP', count: fp, rowTotal: tn + fp, total },
      { x: left + cell, y: top, width: cell, height: cell },
    ],
    [
      { code: 'FN', count: fn, rowTotal: fn + tp, total },
      { x: left, y: top + cell, width: cell, height: cell },
    ],
    [
      { code: 'TP', count: tp, rowTotal: fn + tp, total },
      { x: left + cell, y: top + cell, width: cell, height: cell },
    ],
  ];

  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  const accuracy = ratio(tp + tn, total);
  const summary = [
    `Precision ${formatNumber(precision, 3)}`,
    `Recall ${formatNumber(recall, 3)}`,
    `Accuracy ${formatNumber(accuracy, 3)}`,
    `n = ${formatCount(total)}`,
  ].join('   ·   ');

  return group(
    [
      textElement(left + side / 2, area.y + 14, 'Predicted', { ...muted, anchor: 'middle', weight: 'bold' }),
      textElement(left + cell / 2, top - 10, 'Negative', { ...muted, anchor: 'middle' }),
      textElement(left + cell * 1.5, top - 10, 'Positive', { ...muted, anchor: 'middle' }),
      textElement(left - 86, top + side / 2, 'Actual', {
        ...muted,
        anchor: 'middle',
        weight: 'bold',
        rotate: -90,
      }),
      textElement(left - 10, top + cell / 2, 'Negative', { ...muted, anchor: 'end', middle: true }),
      textElement(left - 10, top + cell * 1.5, 'Positive', { ...muted, anchor: 'end', middle: true }),
      ...cells.map(([spec, box]) => renderCell(spec, box)),
      textElement(left + side / 2, top + side + 28, summary, { size: 12, anchor: 'middle', fill: colors.text }),
    ],
    { class: 'confusion-matrix' },
  );
}
