import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { featureImportances, predictProba, type ClassifierModel } from '../../src/ml/classifiers.js';
import {
  decisionFunctionLogistic,
  fitLogisticRegression,
  hessianOf,
  fitLogisticRegressionInPlace,
  fitLogisticRegressionOnRows,
  predictProbaLogistic,
  rawScaleCoefficients,
  SAMPLE_START_MIN_ROWS,
  type LogisticRegressionModel,
} from '../../src/ml/logistic-regression.js';
import { mulberry32 } from '../../src/ml/random.js';

interface LogisticFit {
  C: number;
  coef: number[];
  intercept: number;
  mean: number[];
  scale: number[];
  testProba: number[];
  defaultTolTestProba: number[];
}

/** sklearn reference: make_pipeline(StandardScaler(), LogisticRegression(C, tol=1e-12)) on NaN-free columns. */
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/classifiers-reference.json', import.meta.url), 'utf8'),
  (_key, value: unknown) => (value === null ? Number.NaN : value),
) as {
  dataset: { X: number[][]; y: number[]; nTrain: number };
  logistic: { columns: number[]; fits: LogisticFit[] };
};

const { X, y, nTrain } = fixture.dataset;
const pick = (rows: number[][]) => rows.map((row) => fixture.logistic.columns.map((c) => row[c]));
const XTrain = pick(X.slice(0, nTrain));
const XTest = pick(X.slice(nTrain));
const yTrain = y.slice(0, nTrain);

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('fitLogisticRegression vs scikit-learn', () => {
  for (const reference of fixture.logistic.fits) {
    describe(`C=${reference.C}`, () => {
      const model = fitLogisticRegression(XTrain, yTrain, { C: reference.C });

      it('standardises like StandardScaler', () => {
        assert.ok(maxAbsDiff(model.mean, reference.mean) < 1e-12);
        assert.ok(maxAbsDiff(model.scale, reference.scale) < 1e-12);
      });

      it('converges to the same coefficients and intercept (tight tolerance)', () => {
        assert.ok(model.converged);
        assert.ok(model.nIter <= 15, `took ${model.nIter} Newton iterations`);
        const coefDiff = maxAbsDiff(model.coef, reference.coef);
        assert.ok(coefDiff < 1e-7, `coef diff ${coefDiff}`);
        assert.ok(Math.abs(model.intercept - reference.intercept) < 1e-7);
      });

      it('predicts the same probabilities', () => {
        const proba = predictProbaLogistic(model, XTest);
        assert.ok(maxAbsDiff(proba, reference.testProba) < 1e-7);
        // sklearn's default lbfgs tol=1e-4 stops a little early; still very close.
        assert.ok(maxAbsDiff(proba, reference.defaultTolTestProba) < 1e-3);
      });
    });
  }
});

describe('logistic regression model object', () => {
  const model = fitLogisticRegression(XTrain, yTrain);

  it('is plain JSON: a round trip predicts identically, also through predictProba', () => {
    const restored = JSON.parse(JSON.stringify(model)) as ClassifierModel;
    assert.equal(restored.kind, 'logistic-regression');
    assert.deepEqual(predictProba(restored, XTest), predictProbaLogistic(model, XTest));
  });

  it('on many rows starts from a sample’s model: the same optimum as from zero, in fewer full-data steps', () => {
    // 50,000 rows: a linear signal in three of five columns, one of them a rare 0/1 column, and label noise.
    const rng = mulberry32(11);
    const n = SAMPLE_START_MIN_ROWS + 10_000;
    const rows = Array.from({ length: n }, () => [
      rng() * 4 - 2,
      rng() * 100,
      rng() < 0.02 ? 1 : 0,
      rng() - 0.5,
      rng() * 3,
    ]);
    const labels = rows.map(([a, b, rare]) =>
      rng() < 1 / (1 + Math.exp(-(1.5 * a - 0.02 * b + 2 * rare + 0.8))) ? 1 : 0,
    );
    const sampled = fitLogisticRegression(rows, labels);
    // A start of all zeros is where a fit without one would begin: the cold path.
    const zero: LogisticRegressionModel = {
      ...sampled,
      coef: [0, 0, 0, 0, 0],
      intercept: 0,
      mean: [0, 0, 0, 0, 0],
      scale: [1, 1, 1, 1, 1],
    };
    const cold = fitLogisticRegression(rows, labels, {}, undefined, zero);
    assert.ok(sampled.converged && cold.converged);
    assert.ok(sampled.nIter < cold.nIter, `from the sample ${sampled.nIter} steps, from zero ${cold.nIter}`);
    assert.ok(
      maxAbsDiff(sampled.coef, cold.coef) < 1e-9,
      `coefficients differ by ${maxAbsDiff(sampled.coef, cold.coef)}`,
    );
    assert.ok(Math.abs(sampled.intercept - cold.intercept) < 1e-9);
  });

  it('on a subset of rows, fits as on a copy of them, bit for bit, and leaves the columns as they were', () => {
    // Above the sample-start cut, with missing values: the sample is drawn before the copy is standardised.
    const rng = mulberry32(17);
    const n = SAMPLE_START_MIN_ROWS + 5_000;
    const columns = [0, 1, 2].map(() => Float64Array.from({ length: n }, () => (rng() < 0.05 ? NaN : rng() * 10)));
    const labels = Float64Array.from({ length: n }, (_, i) => (rng() < 1 / (1 + Math.exp(5 - columns[0][i])) ? 1 : 0));
    const X = { nRows: n, columns };
    const before = columns.map((column) => Float64Array.from(column));
    const rows = Int32Array.from({ length: n - 100 }, (_, k) => k + (k % 7 === 0 ? 100 : 0)).sort();
    const copy = { nRows: rows.length, columns: columns.map((column) => Float64Array.from(rows, (i) => column[i])) };
    const expected = fitLogisticRegression(
      copy,
      Float64Array.from(rows, (i) => labels[i]),
    );
    assert.deepEqual(fitLogisticRegressionOnRows(X, labels, rows), expected);
    assert.deepEqual(columns, before);
  });

  it('in place, fits as on a matrix it may not touch, bit for bit', () => {
    const rng = mulberry32(23);
    const n = SAMPLE_START_MIN_ROWS + 2_000;
    const columns = [0, 1].map(() => Float64Array.from({ length: n }, () => (rng() < 0.05 ? NaN : rng() * 10)));
    const labels = Float64Array.from({ length: n }, (_, i) => (rng() < 1 / (1 + Math.exp(5 - columns[0][i])) ? 1 : 0));
    const expected = fitLogisticRegression({ nRows: n, columns }, labels);
    const own = { nRows: n, columns: columns.map((column) => Float64Array.from(column)) };
    assert.deepEqual(fitLogisticRegressionInPlace(own, labels), expected);
  });

  it('started from a model of related rows, reaches the same optimum in fewer Newton steps', () => {
    // The model of all the training rows starts the fit on 80% of them (as the held-out refit does).
    const rows = XTrain.slice(0, Math.floor(0.8 * XTrain.length));
    const labels = yTrain.slice(0, rows.length);
    const cold = fitLogisticRegression(rows, labels);
    const warm = fitLogisticRegression(rows, labels, {}, undefined, model);
    assert.ok(cold.converged && warm.converged);
    assert.ok(warm.nIter < cold.nIter, `warm ${warm.nIter} steps, cold ${cold.nIter}`);
    assert.ok(maxAbsDiff(warm.coef, cold.coef) < 1e-8, `coefficients differ by ${maxAbsDiff(warm.coef, cold.coef)}`);
    assert.ok(Math.abs(warm.intercept - cold.intercept) < 1e-8);
    // On the rows it was fitted on, the start is already the optimum: rewritten exactly, no step is taken.
    const again = fitLogisticRegression(XTrain, yTrain, {}, undefined, model);
    assert.equal(again.nIter, 0);
    assert.ok(maxAbsDiff(again.coef, model.coef) < 1e-12);
    assert.throws(
      () =>
        fitLogisticRegression(
          pick(X).map((r) => r.slice(1)),
          y,
          {},
          undefined,
          model,
        ),
      /start has/,
    );
  });

  it('raw-scale coefficients reproduce the decision function', () => {
    const { coef, intercept } = rawScaleCoefficients(model);
    const manual = XTest.map((row) => row.reduce((t, x, f) => t + coef[f] * x, intercept));
    assert.ok(maxAbsDiff(manual, decisionFunctionLogistic(model, XTest)) < 1e-9);
  });

  it('imputes NaN with the training mean and tolerates constant features', () => {
    const rows = [
      [0, 5, Number.NaN],
      [1, 5, 2],
      [2, 5, 4],
      [3, 5, 6],
    ];
    const fitted: LogisticRegressionModel = fitLogisticRegression(rows, [0, 0, 1, 1]);
    assert.equal(fitted.scale[1], 1); // constant column → scale 1, like sklearn
    assert.equal(fitted.mean[2], 4);
    const [withNaN] = predictProbaLogistic(fitted, [[1, 5, Number.NaN]]);
    const [withMean] = predictProbaLogistic(fitted, [[1, 5, 4]]);
    assert.ok(Math.abs(withNaN - withMean) < 1e-15);
  });

  it('handles separable data thanks to the L2 penalty', () => {
    const rows = Array.from({ length: 40 }, (_, i) => [i]);
    const labels = rows.map(([x]) => (x >= 20 ? 1 : 0));
    const fitted = fitLogisticRegression(rows, labels);
    assert.ok(fitted.converged && Number.isFinite(fitted.coef[0]));
    const proba = predictProbaLogistic(fitted, [[0], [39]]);
    assert.ok(proba[0] < 0.05 && proba[1] > 0.95);
  });

  it('importances are normalised |standardised coefficients|', () => {
    const importances = featureImportances(model);
    assert.ok(Math.abs(importances.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    const strongest = model.coef.map(Math.abs).indexOf(Math.max(...model.coef.map(Math.abs)));
    assert.equal(importances.indexOf(Math.max(...importances)), strongest);
  });

  it('rejects bad input', () => {
    assert.throws(() => fitLogisticRegression([[1], [2]], [0, 2]), /0 or 1/);
    assert.throws(() => fitLogisticRegression([[1], [2, 3]], [0, 1]), /features/);
    assert.throws(() => fitLogisticRegression([[1], [Number.POSITIVE_INFINITY]], [0, 1]), /infinite/);
    assert.throws(() => fitLogisticRegression([[1], [2]], [0, 1], { C: 0 }), /C must be/);
    assert.throws(() => predictProbaLogistic(model, [[1, 2]]), /features/);
  });
});

describe("the Newton step's Hessian", () => {
  it('is Zᵀ W Z + αI to the bit, entry by entry summed in row order, for odd and even sizes', () => {
    const rng = mulberry32(5);
    const n = 257;
    for (let p = 1; p <= 11; p++) {
      const design = Array.from({ length: p }, () => Float64Array.from({ length: n }, () => rng() * 4 - 2));
      const weight = Float64Array.from({ length: n }, () => rng() / 4);
      const alpha = 0.5;
      const hessian = hessianOf(design, weight, alpha, { a: new Float64Array(n), b: new Float64Array(n) });
      for (let f = 0; f < p; f++) {
        for (let k = 0; k < p; k++) {
          // The reference: the lower entry (max, min) summed in row order, then the penalty on the diagonal.
          const [r, c] = [Math.max(f, k), Math.min(f, k)];
          let h = 0;
          for (let i = 0; i < n; i++) h += design[r][i] * weight[i] * design[c][i];
          if (f === k && f < p - 1) h += alpha;
          assert.ok(Object.is(hessian[f * p + k], h), `p ${p}, entry (${f}, ${k}): ${hessian[f * p + k]} vs ${h}`);
        }
      }
    }
  });
});
