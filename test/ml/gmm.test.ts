import { join } from 'node:path';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { CholeskyDecomposition, Matrix } from 'ml-matrix';

import { countFreeParameters, fitGmm, predictGmm, predictGmmProba, type GmmModel } from '../../src/ml/gmm.js';
import { fitMinMaxScaler, transformMinMax } from '../../src/ml/minmax-scaler.js';
import { createRng } from '../../src/ml/random.js';
import { FIXTURES_DIR, REAL_DATA, skipUnlessRealData } from '../support/paths.js';

interface GmmCase {
  rows: number[][];
  k: number[];
  /** GaussianMixture(k, random_state=0) with scikit-learn's defaults (tol 1e-3, max_iter 100). */
  defaults: GmmModel[];
  /** The same run with tol 1e-10: the local optimum itself. */
  converged: GmmModel[];
  /** Median BIC over random_state 0..9. */
  bicMedian: number[];
  predict: { model: GmmModel; rows: number[][]; proba: number[][]; labels: number[] };
}

interface Reference {
  gmm: { blobs2d: GmmCase; skewed3d: GmmCase };
  mall: { gmm: { k: number[]; bicMedian: number[] } } | null;
}

const reference = JSON.parse(readFileSync(join(FIXTURES_DIR, 'segmentation-reference.json'), 'utf8')) as Reference;
const MALL_CSV = REAL_DATA.mallCustomers;
const CASES = Object.entries(reference.gmm);

function mallRows(): number[][] {
  const [header, ...lines] = readFileSync(MALL_CSV, 'utf8').trim().split(/\r?\n/);
  const columns = header.split(',');
  const picked = ['Annual Income (k$)', 'Spending Score (1-100)'].map((name) => columns.indexOf(name));
  const raw = lines.map((line) => picked.map((index) => Number(line.split(',')[index])));
  return transformMinMax(fitMinMaxScaler(raw), raw);
}

function assertClose(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);
}

/** Component order is arbitrary: pair each reference component with our component whose mean is closest. */
function matchComponents(ours: GmmModel, theirs: GmmModel): number[] {
  return theirs.means.map((mean) => {
    const distances = ours.means.map((m) => Math.hypot(...m.map((v, j) => v - mean[j])));
    return distances.indexOf(Math.min(...distances));
  });
}

/** Σᵢ log Σ_c w_c N(xᵢ | μ_c, Σ_c), computed independently with ml-matrix (no shared code with gmm.ts). */
function naiveLogLikelihood(model: GmmModel, rows: number[][]): number {
  const components = model.covariances.map((cov, c) => {
    const cholesky = new CholeskyDecomposition(new Matrix(cov));
    const lower = cholesky.lowerTriangularMatrix;
    const logDet = 2 * lower.diag().reduce((sum, v) => sum + Math.log(v), 0);
    return { weight: model.weights[c], mean: model.means[c], cholesky, logDet };
  });
  const d = rows[0].length;
  return rows.reduce((total, row) => {
    const densities = components.map(({ weight, mean, cholesky, logDet }) => {
      const diff = Matrix.columnVector(row.map((v, j) => v - mean[j]));
      const mahalanobis = diff.transpose().mmul(cholesky.solve(diff)).get(0, 0);
      return weight * Math.exp(-0.5 * (d * Math.log(2 * Math.PI) + logDet + mahalanobis));
    });
    return total + Math.log(densities.reduce((sum, v) => sum + v, 0));
  }, 0);
}

void describe('fitGmm', () => {
  void it('plain EM (accelerate off, no split/merge) reproduces scikit-learn run for run', () => {
    // With a unique k-means partition the initialisation is the same as scikit-learn's, so is every EM step.
    const unique: [GmmCase, number[]][] = [
      [reference.gmm.blobs2d, [1, 2, 3]],
      [reference.gmm.skewed3d, [1, 2]],
    ];
    for (const [gmmCase, ks] of unique) {
      for (const k of ks) {
        const expected = gmmCase.defaults[gmmCase.k.indexOf(k)];
        const fit = fitGmm(gmmCase.rows, k, { accelerate: false, splitMergeTrials: 0 });
        assert.equal(fit.iterations, expected.iterations, `k=${k} iterations`);
        assert.equal(fit.converged, expected.converged);
        assertClose(fit.logLikelihood, expected.logLikelihood, 1e-9 * Math.abs(expected.logLikelihood), `k=${k} ll`);
        assertClose(fit.bic, expected.bic, 1e-9 * Math.abs(expected.bic), `k=${k} bic`);
        assertClose(fit.aic, expected.aic, 1e-9 * Math.abs(expected.aic), `k=${k} aic`);
      }
    }
  });

  void it('reaches scikit-learn’s fully converged parameters', () => {
    const unique: [GmmCase, number[]][] = [
      [reference.gmm.blobs2d, [1, 2, 3]],
      [reference.gmm.skewed3d, [1, 2]],
    ];
    for (const [gmmCase, ks] of unique) {
      for (const k of ks) {
        const expected = gmmCase.converged[gmmCase.k.indexOf(k)];
        const fit = fitGmm(gmmCase.rows, k, { tol: 1e-10, maxIter: 100_000 });
        assert.ok(fit.converged);
        assertClose(fit.logLikelihood, expected.logLikelihood, 1e-7 * Math.abs(expected.logLikelihood), `k=${k} ll`);
        const match = matchComponents(fit, expected);
        assert.equal(new Set(match).size, k, 'one-to-one component match');
        match.forEach((ours, theirs) => {
          assertClose(fit.weights[ours], expected.weights[theirs], 1e-6, `k=${k} weight`);
          fit.means[ours].forEach((v, j) => assertClose(v, expected.means[theirs][j], 1e-6, `k=${k} mean`));
          fit.covariances[ours].forEach((row, a) =>
            row.forEach((v, b) => assertClose(v, expected.covariances[theirs][a][b], 1e-6, `k=${k} covariance`)),
          );
        });
      }
    }
  });

  void it('with defaults, its BIC is no worse than scikit-learn’s (default run and seed median)', () => {
    for (const [name, gmmCase] of CASES) {
      gmmCase.k.forEach((k, i) => {
        const fit = fitGmm(gmmCase.rows, k);
        const slack = 1e-9 * Math.abs(gmmCase.bicMedian[i]);
        assert.ok(
          fit.bic <= gmmCase.defaults[i].bic + slack,
          `${name} k=${k}: ${fit.bic} vs ${gmmCase.defaults[i].bic}`,
        );
        assert.ok(
          fit.bic <= gmmCase.bicMedian[i] + slack,
          `${name} k=${k}: ${fit.bic} vs median ${gmmCase.bicMedian[i]}`,
        );
        // Our run stops at a local optimum at least as good as scikit-learn's converged one.
        assert.ok(
          fit.bic <= gmmCase.converged[i].bic + 1e-3,
          `${name} k=${k}: ${fit.bic} vs ${gmmCase.converged[i].bic}`,
        );
      });
    }
  });

  void it('reports a log-likelihood, BIC and AIC consistent with its own parameters', () => {
    for (const [name, gmmCase] of CASES) {
      const k = gmmCase.k[gmmCase.k.length - 1];
      const fit = fitGmm(gmmCase.rows, k);
      const n = gmmCase.rows.length;
      const d = gmmCase.rows[0].length;
      assertClose(fit.logLikelihood, naiveLogLikelihood(fit, gmmCase.rows), 1e-8 * n, `${name} log-likelihood`);
      const parameters = countFreeParameters(k, d);
      assert.equal(parameters, (k * d * (d + 1)) / 2 + k * d + k - 1);
      assertClose(fit.bic, -2 * fit.logLikelihood + parameters * Math.log(n), 1e-9, `${name} bic`);
      assertClose(fit.aic, -2 * fit.logLikelihood + 2 * parameters, 1e-9, `${name} aic`);
      assertClose(
        fit.weights.reduce((sum, w) => sum + w, 0),
        1,
        1e-12,
        `${name} weights sum`,
      );
    }
    assert.equal(countFreeParameters(3, 2), 17);
  });

  void it('predicts posteriors and labels like scikit-learn for a given model', () => {
    for (const [name, gmmCase] of CASES) {
      const { model, rows, proba, labels } = gmmCase.predict;
      const ours = predictGmmProba(model, rows);
      ours.forEach((row, i) => row.forEach((p, c) => assertClose(p, proba[i][c], 1e-9, `${name} proba[${i}][${c}]`)));
      assert.deepEqual(predictGmm(model, rows), labels);
    }
  });

  void it('returns a plain JSON model that predicts the same after a round trip', () => {
    const gmmCase = reference.gmm.blobs2d;
    const fit = fitGmm(gmmCase.rows, 3);
    const revived = JSON.parse(JSON.stringify(fit)) as GmmModel;
    assert.deepEqual(revived, fit);
    assert.deepEqual(predictGmmProba(revived, gmmCase.rows), predictGmmProba(fit, gmmCase.rows));
    assert.deepEqual(fitGmm(gmmCase.rows, 3), fit, 'deterministic for the default seed');
  });

  void it('handles 1 feature (padded kernel) and 4 features (general kernel)', () => {
    const rng = createRng(4);
    const oneD = Array.from({ length: 300 }, (_, i) => [i < 150 ? rng.normal(0, 1) : rng.normal(6, 0.5)]);
    const fit1 = fitGmm(oneD, 2);
    assertClose(fit1.logLikelihood, naiveLogLikelihood(fit1, oneD), 1e-8, '1-D log-likelihood');
    const means = fit1.means.map((m) => m[0]).sort((a, b) => a - b);
    assertClose(means[0], 0, 0.25, '1-D first mean');
    assertClose(means[1], 6, 0.15, '1-D second mean');
    const fourD = Array.from({ length: 400 }, (_, i) => {
      const centre = i % 2 === 0 ? 0 : 5;
      return [rng.normal(centre, 1), rng.normal(-centre, 1), rng.normal(centre, 2), rng.normal(0, 1) + 0.5 * centre];
    });
    const fit4 = fitGmm(fourD, 3);
    assertClose(fit4.logLikelihood, naiveLogLikelihood(fit4, fourD), 1e-8 * 400, '4-D log-likelihood');
    assert.ok(fitGmm(fourD, 2).bic < fitGmm(fourD, 1).bic, 'two clusters beat one');
  });

  void it('rejects invalid k and input', () => {
    const rows = reference.gmm.blobs2d.rows;
    assert.throws(() => fitGmm(rows, rows.length + 1), /must not exceed the number of rows/);
    assert.throws(() => fitGmm(rows, 0), RangeError);
    assert.throws(() => fitGmm([[1], [2, 3]], 1), RangeError);
    assert.throws(() => fitGmm(rows, 2, { splitMergeTrials: -1 }), RangeError);
    assert.throws(() => predictGmmProba({ ...fitGmm(rows, 2), means: [[0, 0]] }, rows), RangeError);
  });

  void it(
    'Mall customers, k = 1..10: BIC no worse than scikit-learn’s median, same minimum',
    { skip: skipUnlessRealData(REAL_DATA.mallCustomers) },
    () => {
      const mall = reference.mall;
      assert.ok(mall, 'the fixture holds scikit-learn reference numbers for the Mall data');
      const rows = mallRows();
      const bic = mall.gmm.k.map((k) => fitGmm(rows, k).bic);
      const worse = bic.filter((value, i) => value > mall.gmm.bicMedian[i] + 1e-9 * Math.abs(mall.gmm.bicMedian[i]));
      assert.deepEqual(worse, [], `ours ${bic.join(', ')}`);
      const argmin = (values: number[]): number => mall.gmm.k[values.indexOf(Math.min(...values))];
      assert.equal(argmin(bic), argmin(mall.gmm.bicMedian));
    },
  );
});
