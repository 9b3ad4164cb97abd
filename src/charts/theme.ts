/** Shared visual constants so every panel uses the same palette and type scale. */
export const FONT_FAMILY = 'DejaVu Sans';

export const colors = {
  background: '#f3f5f8',
  panel: '#ffffff',
  panelBorder: '#dde2e9',
  text: '#1f2937',
  mutedText: '#6b7280',
  axis: '#9ca3af',
  grid: '#eceff3',
  // Metric colours are fixed per metric so the same metric looks the same in every panel.
  model: '#2563eb',
  reference: '#94a3b8',
  precision: '#2563eb',
  recall: '#059669',
  f1: '#9333ea',
  operatingPoint: '#ea580c',
  alert: '#dc2626',
  ok: '#059669',
  warn: '#d97706',
  heatLow: '#eff4fb',
  heatHigh: '#1e40af',
} as const;

export const fontSizes = {
  title: 26,
  subtitle: 14,
  panelTitle: 16,
  legend: 12,
  tick: 11,
  axisTitle: 12,
  noData: 15,
} as const;
