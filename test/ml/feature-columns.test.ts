import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { CLASSIFIER_KINDS, fitClassifier, predictProba, type ClassifierSpec } from '../../src/ml/classifiers.js';
import { mulberry32 } from '../../src/ml/random.js';
import { predictColumns, takeRows, type FeatureColumns } from '../../src/ml/tabular-input.js';

/** 600 rows, 4 features (one with missing values), a label that depends on two of them. */
function dataset(): { rows: number[][]; y: number[] } {
  const rng = mulberry32(5);
  const rows: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 600; i++) {
    const a = rng() * 4 - 2;
    const b = rng() * 10;
    const c = rng() < 0.2 ? Number.NaN : rng() * 3;
    const d = rng() < 0.5 ? 1 : 0;
    rows.push([a, b, c, d]);
    y.push(a + 0.3 * b + (Number.isNaN(c) ? 1 : 0) + rng() * 2 > 2.5 ? 1 : 0);
  }
  return { rows, y };
}

function columnsOf(rows: number[][]): FeatureColumns {
  return predictColumns(rows, rows[0].length);
}

const SPECS: Record<(typeof CLASSIFIER_KINDS)[number], ClassifierSpec> = {
  'logistic-regression': { kind: 'logistic-regression', options: { C: 1 } },
  'random-forest': { kind: 'random-forest', options: { nEstimators: 12, minSamplesLeaf: 3, seed: 4 } },
  'gradient-boosting': { kind: 'gradient-boosting', options: { maxIter: 25, earlyStopping: true, seed: 2 } },
};

describe('classifiers on column matrices', () => {
  const { rows, y } = dataset();
  const imputed = rows.map((row) => row.map((v) => (Number.isNaN(v) ? 1.5 : v)));

  for (const kind of CLASSIFIER_KINDS) {
    it(`${kind}: the same model and scores from columns as from rows`, () => {
      const X = kind === 'logistic-regression' ? imputed : rows;
      const fromRows = fitClassifier(SPECS[kind], X, y);
      const fromColumns = fitClassifier(SPECS[kind], columnsOf(X), Float64Array.from(y));
      assert.deepEqual(fromColumns, fromRows);
      assert.deepEqual(predictProba(fromRows, columnsOf(X)), predictProba(fromRows, X));
    });

    it(`${kind}: reports each unit of work, counting up to at most the total`, () => {
      const X = kind === 'logistic-regression' ? imputed : rows;
      const seen: [number, number][] = [];
      fitClassifier(SPECS[kind], columnsOf(X), y, (done, total) => seen.push([done, total]));
      assert.ok(seen.length > 0);
      seen.forEach(([done, total], k) => {
        assert.equal(done, k + 1);
        assert.ok(done <= total);
      });
    });
  }

  it('takeRows selects rows in the given order; a wrong width or an infinite value is refused', () => {
    const matrix = columnsOf(rows);
    const taken = takeRows(matrix, [5, 0, 5]);
    assert.equal(taken.nRows, 3);
    assert.deepEqual(Array.from(taken.columns[1]), [rows[5][1], rows[0][1], rows[5][1]]);
    const model = fitClassifier(SPECS['random-forest'], matrix, y);
    assert.throws(() => predictProba(model, { nRows: 1, columns: [new Float64Array(1)] }), /features/);
    const infinite = columnsOf(rows.map((row, i) => (i === 7 ? [Infinity, ...row.slice(1)] : row)));
    assert.throws(() => fitClassifier(SPECS['random-forest'], infinite, y), /infinite value at row 7, feature 0/);
  });
});
