import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { mulberry32 } from '../../src/ml/random.js';
import { takeValues } from '../../src/ml/tabular-input.js';
import { binColumns } from '../../src/ml/tree-binning.js';

describe('binColumns', () => {
  it('bins chosen rows as it bins a copy of them, without the copy', () => {
    const rng = mulberry32(5);
    const n = 3_000;
    const columns = [
      // Many distinct values (quantile thresholds), with missing ones.
      Float64Array.from({ length: n }, () => (rng() < 0.1 ? Number.NaN : rng() * 1_000)),
      // A few distinct values (midpoint thresholds), as one-hot and count columns are.
      Float64Array.from({ length: n }, () => Math.floor(rng() * 4)),
      Float64Array.from({ length: n }, () => (rng() < 0.3 ? 1 : 0)),
    ];
    const rows = Int32Array.from({ length: n }, (_, i) => i).filter((i) => i % 10 !== 3);
    const copy = columns.map((column) => takeValues(column, rows));
    assert.deepEqual(binColumns(columns, 63, rows), binColumns(copy, 63));
    assert.equal(binColumns(columns, 63, rows).nRows, rows.length);
  });
});
