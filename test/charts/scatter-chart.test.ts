import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { numericTicks } from '../../src/charts/axes.js';
import { rasterizeSvg } from '../../src/charts/render.js';
import { type ScatterChartSpec, renderScatterChart } from '../../src/charts/scatter-chart.js';
import { svgDocument } from '../../src/charts/svg.js';

const AREA = { x: 0, y: 0, width: 400, height: 300 };

function spec(overrides: Partial<ScatterChartSpec> = {}): ScatterChartSpec {
  return {
    xDomain: [0, 1],
    yDomain: [0, 1],
    xTicks: numericTicks([0, 1], 5),
    yTicks: numericTicks([0, 1], 5),
    groups: [
      {
        label: 'A',
        color: '#ff0000',
        points: [
          { x: 0.1, y: 0.1 },
          { x: 0.2, y: 0.3 },
        ],
      },
      { label: 'B', color: '#0000ff', points: [{ x: 0.9, y: 0.8 }] },
    ],
    ...overrides,
  };
}

const count = (svg: string, needle: string): number => svg.split(needle).length - 1;

describe('scatter chart', () => {
  it('draws one dot per point, grouped and coloured by group', () => {
    const svg = renderScatterChart(spec(), AREA);
    assert.equal(count(svg, '<circle'), 3);
    assert.match(svg, /data-group="A" fill="#ff0000"/);
    assert.match(svg, /data-group="B" fill="#0000ff"/);
    assert.ok(svg.indexOf('data-group="A"') < svg.indexOf('data-group="B"'), 'groups drawn in the given order');
  });

  it('skips points outside the domains or not finite instead of piling them on an edge', () => {
    const svg = renderScatterChart(
      spec({
        groups: [
          {
            label: 'A',
            color: '#ff0000',
            points: [
              { x: 0.5, y: 0.5 },
              { x: 1.5, y: 0.5 },
              { x: 0.5, y: -1 },
              { x: Number.NaN, y: 0.5 },
              { x: 0.5, y: Number.POSITIVE_INFINITY },
            ],
          },
        ],
      }),
      AREA,
    );
    assert.equal(count(svg, '<circle'), 1);
    assert.ok(!svg.includes('NaN'));
  });

  it('draws marks above the dots (a white ring and a cross in the mark colour)', () => {
    const svg = renderScatterChart(spec({ marks: [{ x: 0.5, y: 0.5, color: '#00aa00' }] }), AREA);
    assert.equal(count(svg, 'class="scatter-mark"'), 1);
    assert.ok(svg.lastIndexOf('scatter-group') < svg.indexOf('scatter-mark'));
    assert.match(svg, /<path d="M[\d.]+ [\d.]+L[\d.]+ [\d.]+M[\d.]+ [\d.]+L[\d.]+ [\d.]+" stroke="#00aa00"/);
  });

  it('rasterises with the dots where the scales put them', () => {
    const svg = svgDocument(AREA.width, AREA.height, [
      renderScatterChart(
        spec({ groups: [{ label: 'A', color: '#ff0000', points: [{ x: 1, y: 1 }] }], radius: 6, opacity: 1 }),
        AREA,
      ),
    ]);
    const { width, pixels } = rasterizeSvg(svg);
    // The top-right corner of the plot area (inside the axis margins) is where (1, 1) lands.
    const plotRight = AREA.width - 14;
    const plotTop = 8;
    const at = (x: number, y: number) => pixels.subarray((y * width + x) * 4, (y * width + x) * 4 + 4);
    const centre = at(plotRight, plotTop + 1);
    assert.ok(centre[0] > 200 && centre[1] < 60 && centre[2] < 60, `red at (1, 1), got ${[...centre].join(',')}`);
    const farAway = at(120, 200);
    assert.ok(!(farAway[0] > 200 && farAway[1] < 60), 'no red elsewhere');
  });
});
