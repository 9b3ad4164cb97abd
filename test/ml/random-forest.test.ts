import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { featureImportances, predictProba, type ClassifierModel } from '../../src/ml/classifiers.js';
import { fitClassificationTree, treeDepth } from '../../src/ml/decision-tree.js';
import { rocAuc } from '../../src/ml/metrics.js';
import { fitRandomForest, predictProbaForest, resolveMaxFeatures } from '../../src/ml/random-forest.js';

/** sklearn RandomForestClassifier(n_estimators=200) over 5 seeds (scripts/reference/classifiers_reference.py). */
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/classifiers-reference.json', import.meta.url), 'utf8'),
  (_key, value: unknown) => (value === null ? Number.NaN : value),
) as {
  dataset: { X: number[][]; y: number[]; nTrain: number };
  forest: { nEstimators: number; testAucBySeed: number[]; meanTestAuc: number; meanTestProba: number[] };
};

const { X, y, nTrain } = fixture.dataset;
const XTrain = X.slice(0, nTrain);
const XTest = X.slice(nTrain);
const yTrain = y.slice(0, nTrain);
const yTest = y.slice(nTrain);

describe('fitRandomForest vs scikit-learn', () => {
  const seeds = [0, 1, 2];
  const probas = seeds.map((seed) =>
    predictProbaForest(fitRandomForest(XTrain, yTrain, { nEstimators: fixture.forest.nEstimators, seed }), XTest),
  );

  it('reaches the same test AUC (mean over seeds, within 0.015) on data with NaNs', () => {
    const meanAuc = probas.reduce((sum, p) => sum + rocAuc(yTest, p), 0) / probas.length;
    assert.ok(
      Math.abs(meanAuc - fixture.forest.meanTestAuc) < 0.015,
      `ours ${meanAuc.toFixed(4)} vs sklearn ${fixture.forest.meanTestAuc.toFixed(4)}`,
    );
  });

  it('predicts probabilities close to sklearn’s seed-averaged forest', () => {
    const meanAbsDiff =
      fixture.forest.meanTestProba.reduce(
        (sum, reference, i) => sum + Math.abs(probas.reduce((s, p) => s + p[i], 0) / probas.length - reference),
        0,
      ) / XTest.length;
    assert.ok(meanAbsDiff < 0.03, `mean |Δp| = ${meanAbsDiff}`);
  });
});

describe('random forest model', () => {
  const model = fitRandomForest(XTrain, yTrain, { nEstimators: 30, seed: 5 });

  it('is deterministic for a seed', () => {
    assert.deepEqual(fitRandomForest(XTrain, yTrain, { nEstimators: 30, seed: 5 }), model);
    assert.notDeepEqual(fitRandomForest(XTrain, yTrain, { nEstimators: 30, seed: 6 }).trees[0], model.trees[0]);
  });

  it('survives a JSON round trip with identical predictions (through predictProba)', () => {
    const restored = JSON.parse(JSON.stringify(model)) as ClassifierModel;
    assert.equal(restored.kind, 'random-forest');
    assert.deepEqual(predictProba(restored, XTest), predictProbaForest(model, XTest));
    assert.equal(model.trees.length, 30);
    assert.ok(model.trees.every((t) => t.threshold.every(Number.isFinite)));
  });

  it('without bootstrap and with all features, a one-tree forest is exactly a CART tree', () => {
    const forest = fitRandomForest(XTrain, yTrain, { nEstimators: 1, bootstrap: false, maxFeatures: 'all', seed: 3 });
    assert.deepEqual(forest.trees[0], fitClassificationTree(XTrain, yTrain, { seed: 3 }));
  });

  it('respects maxDepth and produces probabilities in [0, 1]', () => {
    const shallow = fitRandomForest(XTrain, yTrain, { nEstimators: 10, maxDepth: 3, seed: 1 });
    assert.ok(shallow.trees.every((t) => treeDepth(t) <= 3));
    assert.ok(predictProbaForest(shallow, XTest).every((p) => p >= 0 && p <= 1));
  });

  it('learns from missingness and ranks the informative feature first', () => {
    const rows: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 400; i++) {
      const label = (i * 37) % 100 < 30 ? 1 : 0;
      // Feature 0 is NaN for most positives; features 1–3 are noise.
      const missing = label === 1 ? i % 10 !== 0 : i % 10 === 0;
      rows.push([missing ? Number.NaN : (i * 13) % 29, (i * 7) % 11, (i * 3) % 17, (i * 11) % 23]);
      labels.push(label);
    }
    const forest = fitRandomForest(rows.slice(0, 300), labels.slice(0, 300), { nEstimators: 50, seed: 2 });
    const auc = rocAuc(labels.slice(300), predictProbaForest(forest, rows.slice(300)));
    assert.ok(auc > 0.85, `auc ${auc}`);
    const importances = featureImportances(forest);
    assert.ok(Math.abs(importances.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    assert.equal(importances.indexOf(Math.max(...importances)), 0);
  });

  it('resolves maxFeatures like sklearn', () => {
    assert.equal(resolveMaxFeatures('sqrt', 40), 6);
    assert.equal(resolveMaxFeatures('log2', 40), 5);
    assert.equal(resolveMaxFeatures('all', 40), 40);
    assert.equal(resolveMaxFeatures(0.5, 40), 20);
    assert.equal(resolveMaxFeatures(7, 40), 7);
    assert.throws(() => resolveMaxFeatures(0, 40), RangeError);
  });

  it('rejects bad parameters and labels', () => {
    assert.throws(() => fitRandomForest(XTrain, yTrain, { nEstimators: 0 }), /nEstimators/);
    assert.throws(() => fitRandomForest(XTrain, yTrain, { minSamplesLeaf: 0 }), /minSamplesLeaf/);
    assert.throws(() => fitRandomForest([[1], [2]], [0, 3]), /0 or 1/);
    assert.throws(() => predictProba(model, [[1, 2, 3]]), /features/);
  });
});
