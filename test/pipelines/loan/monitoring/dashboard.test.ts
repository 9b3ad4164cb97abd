import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { niceTicks } from '../../../../src/charts/axes.js';
import {
  DASHBOARD_HEIGHT,
  DASHBOARD_WIDTH,
  type DashboardInput,
  buildDashboardSvg,
  monthLabelIndices,
  renderDashboardPng,
} from '../../../../src/pipelines/loan/monitoring/dashboard.js';
import { splitIntoSegments } from '../../../../src/charts/line-chart.js';
import { rasterizeSvg, renderSvgToPng } from '../../../../src/charts/render.js';
import { escapeXml, estimateTextWidth, truncateText } from '../../../../src/charts/svg.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width/height from the IHDR chunk, which the PNG spec requires to come first after the signature. */
function pngSize(png: Buffer): { width: number; height: number } {
  assert.ok(png.subarray(0, 8).equals(PNG_SIGNATURE), 'PNG signature');
  assert.equal(png.toString('ascii', 12, 16), 'IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

function sampleInput(overrides: Partial<DashboardInput> = {}): DashboardInput {
  const months = ['2024-01', '2024-02', '2024-03', '2024-04', '2024-05', '2024-06'];
  return {
    title: 'Loan default model — monitoring 2024-06',
    subtitle: 'loan-default-gbm v3 · generated 2024-07-01',
    roc: { fpr: [0, 0.05, 0.1, 0.2, 0.4, 0.7, 1], tpr: [0, 0.35, 0.52, 0.68, 0.84, 0.95, 1], auc: 0.83 },
    pr: { precision: [0.9, 0.7, 0.55, 0.4, 0.25, 0.1], recall: [0.05, 0.2, 0.4, 0.6, 0.8, 1], baseline: 0.09 },
    confusion: { tn: 8200, fp: 900, fn: 320, tp: 580, threshold: 0.25 },
    scoreHistogram: {
      edges: [0, 0.2, 0.4, 0.6, 0.8, 1],
      reference: [0.55, 0.25, 0.12, 0.06, 0.02],
      current: [0.48, 0.27, 0.14, 0.08, 0.03],
    },
    monthly: months.map((month, i) => ({
      month,
      auc: 0.85 - i * 0.01,
      precision: 0.4 - i * 0.01,
      recall: 0.65 - i * 0.005,
      f1: 0.49 - i * 0.008,
      psi: 0.03 + i * 0.02,
    })),
    thresholds: { minAuc: 0.8, minPrecision: 0.35, minRecall: 0.6 },
    ...overrides,
  };
}

function countOccurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

function darkPixelCount(pixels: Buffer): number {
  let count = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    if (pixels[i] < 128 && pixels[i + 1] < 128 && pixels[i + 2] < 128 && pixels[i + 3] > 0) count += 1;
  }
  return count;
}

void describe('renderDashboardPng', () => {
  void it('produces a PNG of the dashboard size', () => {
    const png = renderDashboardPng(sampleInput());
    assert.deepEqual(pngSize(png), { width: DASHBOARD_WIDTH, height: DASHBOARD_HEIGHT });
    assert.ok(DASHBOARD_WIDTH >= 1600 && DASHBOARD_HEIGHT >= 1000);
  });
});

void describe('buildDashboardSvg', () => {
  const svg = buildDashboardSvg(sampleInput());

  void it('contains six panels with their titles', () => {
    assert.equal(countOccurrences(svg, 'class="panel"'), 6);
    for (const id of ['roc', 'pr', 'confusion', 'score-histogram', 'monthly-auc', 'monthly-rates']) {
      assert.ok(svg.includes(`data-panel="${id}"`), `panel ${id}`);
    }
    for (const title of [
      'ROC curve',
      'Precision–recall curve',
      'Confusion matrix (threshold 0.25)',
      'Score distribution',
      'Monthly AUC',
      'Monthly precision, recall &amp; F1',
    ]) {
      assert.ok(svg.includes(`>${title}`), `title ${title}`);
    }
  });

  void it('shows AUC in the ROC legend, the PR baseline and the latest PSI in the histogram title', () => {
    assert.ok(svg.includes('Model (AUC = 0.830)'));
    assert.ok(svg.includes('Baseline (0.090)'));
    assert.ok(svg.includes('Score distribution — PSI 0.130 (moderate shift)'));
  });

  void it('draws threshold lines and legend entries', () => {
    assert.ok(svg.includes('Min AUC (0.80)'));
    assert.ok(svg.includes('Min precision (0.35)'));
    assert.ok(svg.includes('Min recall (0.60)'));
  });

  void it('shows confusion counts with thousands separators and percents', () => {
    assert.ok(svg.includes('>8,200<'));
    assert.ok(svg.includes('>580<'));
    assert.ok(svg.includes('64.4% of actual'), 'tp / (tp + fn)');
    assert.ok(svg.includes('82.0% of all'), 'tn / total');
  });

  void it('escapes XML special characters in user-supplied text', () => {
    const hostile = sampleInput({
      title: '<script>alert("x")</script> & co\'s',
      subtitle: 'a < b > c',
      monthly: [{ month: '<m&1>', auc: 0.8, precision: 0.5, recall: 0.5, f1: 0.5, psi: null }],
    });
    const escaped = buildDashboardSvg(hostile);
    assert.ok(!escaped.includes('<script>'));
    assert.ok(escaped.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co&apos;s'));
    assert.ok(escaped.includes('a &lt; b &gt; c'));
    assert.ok(escaped.includes('&lt;m&amp;1&gt;'));
    // resvg rejects malformed XML, so a successful render proves the document is well formed.
    assert.deepEqual(pngSize(renderSvgToPng(escaped)), { width: DASHBOARD_WIDTH, height: DASHBOARD_HEIGHT });
  });

  void it('leaves a gap in monthly lines for null metrics', () => {
    const monthly = sampleInput().monthly.map((row, i) => (i === 2 ? { ...row, auc: null } : row));
    const gapped = buildDashboardSvg(sampleInput({ monthly }));
    const aucSeries = /<g class="series" data-series="AUC">(.*?)<\/g>/.exec(gapped);
    assert.ok(aucSeries);
    assert.equal(countOccurrences(aucSeries[1], '<path'), 2, 'two line segments around the gap');
  });
});

void describe('edge cases', () => {
  const cases: Record<string, DashboardInput> = {
    'a single month': sampleInput({
      monthly: [{ month: '2024-06', auc: 0.81, precision: 0.4, recall: 0.6, f1: 0.48, psi: 0.05 }],
    }),
    'all-null metrics': sampleInput({
      monthly: [
        { month: '2024-05', auc: null, precision: null, recall: null, f1: null, psi: null },
        { month: '2024-06', auc: null, precision: null, recall: null, f1: null, psi: null },
      ],
    }),
    'no months': sampleInput({ monthly: [] }),
    'empty curves': sampleInput({
      roc: { fpr: [], tpr: [], auc: Number.NaN },
      pr: { precision: [], recall: [], baseline: Number.NaN },
    }),
    'all-zero confusion': sampleInput({ confusion: { tn: 0, fp: 0, fn: 0, tp: 0, threshold: 0.5 } }),
    'empty histogram': sampleInput({ scoreHistogram: { edges: [], reference: [], current: [] } }),
    'mismatched and non-finite values': sampleInput({
      roc: { fpr: [0, 0.5, Number.NaN, 1], tpr: [0, 0.7], auc: Number.POSITIVE_INFINITY },
      pr: { precision: [1, 0.5, 0.2], recall: [0, 0.5], baseline: 2 },
      confusion: { tn: -5, fp: Number.NaN, fn: 3, tp: 0, threshold: Number.NaN },
      scoreHistogram: { edges: [0, 0.5, 0.4, 1], reference: [0.5, 0.5, 0], current: [1] },
      monthly: [{ month: '2024-06', auc: Number.NaN, precision: 2, recall: -1, f1: null, psi: Number.NaN }],
      thresholds: { minAuc: Number.NaN },
    }),
    'many months': sampleInput({
      monthly: Array.from({ length: 48 }, (_, i) => ({
        month: `${2020 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`,
        auc: 0.8 + 0.02 * Math.sin(i),
        precision: 0.4,
        recall: 0.6,
        f1: 0.48,
        psi: 0.05,
      })),
    }),
    'no thresholds or subtitle': { ...sampleInput(), thresholds: undefined, subtitle: undefined },
  };

  for (const [name, input] of Object.entries(cases)) {
    void it(`renders ${name} without throwing`, () => {
      const png = renderDashboardPng(input);
      assert.deepEqual(pngSize(png), { width: DASHBOARD_WIDTH, height: DASHBOARD_HEIGHT });
      const svg = buildDashboardSvg(input);
      assert.equal(countOccurrences(svg, 'class="panel"'), 6);
      assert.ok(!svg.includes('NaN') && !svg.includes('Infinity'), 'no non-finite numbers in the SVG');
    });
  }

  void it('draws "no data" placeholders for empty inputs', () => {
    const svg = buildDashboardSvg(
      sampleInput({
        roc: { fpr: [], tpr: [], auc: 0.5 },
        pr: { precision: [], recall: [], baseline: 0.1 },
        confusion: { tn: 0, fp: 0, fn: 0, tp: 0, threshold: 0.5 },
        scoreHistogram: { edges: [], reference: [], current: [] },
        monthly: [],
      }),
    );
    assert.equal(countOccurrences(svg, 'class="no-data"'), 6);
    assert.ok(svg.includes('No ROC data'));
    assert.ok(svg.includes('No predictions to evaluate'));
    assert.ok(svg.includes('No monthly metrics'));
  });

  void it('marks metrics that never have a value', () => {
    const monthly = sampleInput().monthly.map((row) => ({ ...row, f1: null }));
    assert.ok(buildDashboardSvg(sampleInput({ monthly })).includes('F1 (no data)'));
  });
});

void describe('text rendering', () => {
  const frame = (content: string): string =>
    `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60"><rect width="200" height="60" fill="#fff"/>${content}</svg>`;

  void it('rasterises text with the bundled fonts (no system fonts needed)', () => {
    const blank = rasterizeSvg(frame(''));
    const withText = rasterizeSvg(frame('<text x="10" y="40" font-size="24" fill="#000">Hello AUC</text>'));
    assert.equal(darkPixelCount(blank.pixels), 0);
    assert.ok(darkPixelCount(withText.pixels) > 100, 'text produced dark pixels');
    assert.ok(!blank.pixels.equals(withText.pixels));
  });

  void it('has a bold face that differs from the regular one', () => {
    const regular = rasterizeSvg(frame('<text x="10" y="40" font-size="24">Hello</text>'));
    const bold = rasterizeSvg(frame('<text x="10" y="40" font-size="24" font-weight="bold">Hello</text>'));
    assert.ok(darkPixelCount(bold.pixels) > darkPixelCount(regular.pixels));
  });
});

void describe('chart helpers', () => {
  void it('escapeXml escapes the five XML entities and strips control characters', () => {
    assert.equal(
      escapeXml(`<a href="x">Tom & Jerry's</a>\u0001`),
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;',
    );
  });

  void it('niceTicks picks round steps', () => {
    assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks(0.2, 0.8, 5), [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]);
    assert.deepEqual(niceTicks(0.5, 0.5), [0.5]);
    assert.deepEqual(niceTicks(Number.NaN, 1), []);
  });

  void it('splitIntoSegments breaks lines at null values', () => {
    const segments = splitIntoSegments([
      { x: 0, y: 1 },
      { x: 1, y: null },
      { x: 2, y: 2 },
      { x: 3, y: 3 },
    ]);
    assert.deepEqual(
      segments.map((segment) => segment.map((point) => point.x)),
      [[0], [2, 3]],
    );
  });

  void it('monthLabelIndices thins crowded labels but always keeps the latest month', () => {
    const labels = Array.from({ length: 24 }, (_, i) => `2023-${String(i).padStart(2, '0')}`);
    const indices = monthLabelIndices(labels, 480);
    assert.ok(indices.length < labels.length);
    assert.equal(indices[indices.length - 1], 23);
    assert.deepEqual(monthLabelIndices(['2024-06'], 480), [0]);
    assert.deepEqual(monthLabelIndices([], 480), []);
  });

  void it('truncateText keeps text within the estimated width', () => {
    const long = 'A very long dashboard title that will not fit into the space available';
    const short = truncateText(long, 200, 16);
    assert.ok(short.endsWith('…'));
    assert.ok(estimateTextWidth(short, 16) <= 200);
    assert.equal(truncateText('Short', 200, 16), 'Short');
  });
});
