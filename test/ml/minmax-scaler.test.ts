import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { fitMinMaxScaler, inverseTransformMinMax, transformMinMax } from '../../src/ml/minmax-scaler.js';

interface MinMaxReference {
  rows: number[][];
  min: number[];
  max: number[];
  transformed: number[][];
  unseen: number[][];
  unseenTransformed: number[][];
}

/** scikit-learn MinMaxScaler outputs (scripts/reference/segmentation_reference.py). */
const reference = (
  JSON.parse(readFileSync(new URL('../fixtures/segmentation-reference.json', import.meta.url), 'utf8')) as {
    minmax: MinMaxReference;
  }
).minmax;

function assertRowsClose(actual: number[][], expected: number[][], tolerance: number): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((row, i) =>
    row.forEach((value, j) =>
      assert.ok(Math.abs(value - expected[i][j]) <= tolerance, `[${i}][${j}]: ${value} vs ${expected[i][j]}`),
    ),
  );
}

void describe('min-max scaler', () => {
  void it('learns per-column min and max', () => {
    const scaler = fitMinMaxScaler(reference.rows);
    assert.deepEqual(scaler, { min: reference.min, max: reference.max });
  });

  void it('transforms like scikit-learn, mapping a constant column to 0', () => {
    const scaler = fitMinMaxScaler(reference.rows);
    const transformed = transformMinMax(scaler, reference.rows);
    assertRowsClose(transformed, reference.transformed, 1e-15);
    assert.ok(
      transformed.every((row) => row[1] === 0),
      'constant column',
    );
    // Rows outside the fitted range are not clipped (scikit-learn's clip=False).
    assertRowsClose(transformMinMax(scaler, reference.unseen), reference.unseenTransformed, 1e-15);
  });

  void it('inverts the transform', () => {
    const scaler = fitMinMaxScaler(reference.rows);
    assertRowsClose(inverseTransformMinMax(scaler, transformMinMax(scaler, reference.rows)), reference.rows, 1e-12);
  });

  void it('rejects empty, ragged and non-finite input', () => {
    assert.throws(() => fitMinMaxScaler([]), RangeError);
    assert.throws(() => fitMinMaxScaler([[1, 2], [3]]), /row 1 has 1 values/);
    assert.throws(() => fitMinMaxScaler([[1, Number.NaN]]), /non-finite/);
    assert.throws(() => transformMinMax({ min: [0, 0], max: [1, 1] }, [[1, 2, 3]]), RangeError);
  });
});
