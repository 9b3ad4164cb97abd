import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { featureImportances, fitClassifier, predictProba, type ClassifierModel } from '../../src/ml/classifiers.js';
import { countLeaves, treeDepth } from '../../src/ml/decision-tree.js';
import { fitGradientBoosting, predictProbaBoosting, predictRawBoosting } from '../../src/ml/gradient-boosting.js';
import { rocAuc } from '../../src/ml/metrics.js';

/** sklearn HistGradientBoostingClassifier(early_stopping=False) reference (scripts/reference/...). */
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/classifiers-reference.json', import.meta.url), 'utf8'),
  (_key, value: unknown) => (value === null ? Number.NaN : value),
) as {
  dataset: { X: number[][]; y: number[]; nTrain: number };
  boosting: {
    baseline: number;
    nIter: number;
    testAuc: number;
    testProba: number[];
    trainProba: number[];
    firstTreeLeafCount: number;
    firstTreeRootFeature: number;
    firstTreeRootThreshold: number;
  };
};

const { X, y, nTrain } = fixture.dataset;
const XTrain = X.slice(0, nTrain);
const XTest = X.slice(nTrain);
const yTrain = y.slice(0, nTrain);
const yTest = y.slice(nTrain);
const reference = fixture.boosting;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('fitGradientBoosting vs scikit-learn HistGradientBoostingClassifier', () => {
  const model = fitGradientBoosting(XTrain, yTrain, { maxIter: 100 });

  it('starts from the same baseline and grows the same first tree', () => {
    assert.equal(model.baseline, reference.baseline);
    assert.equal(model.nIter, reference.nIter);
    const first = model.trees[0];
    assert.equal(countLeaves(first), reference.firstTreeLeafCount);
    assert.equal(first.feature[0], reference.firstTreeRootFeature);
    assert.equal(first.threshold[0], reference.firstTreeRootThreshold);
  });

  it('reproduces sklearn’s probabilities on train and test rows (same binning, gains, NaN rules)', () => {
    const trainDiff = maxAbsDiff(predictProbaBoosting(model, XTrain), reference.trainProba);
    const testDiff = maxAbsDiff(predictProbaBoosting(model, XTest), reference.testProba);
    assert.ok(trainDiff < 1e-9, `train max |Δp| = ${trainDiff}`);
    assert.ok(testDiff < 1e-9, `test max |Δp| = ${testDiff}`);
  });

  it('has the same test AUC (within 0.01)', () => {
    const auc = rocAuc(yTest, predictProbaBoosting(model, XTest));
    assert.ok(Math.abs(auc - reference.testAuc) < 0.01, `ours ${auc} vs sklearn ${reference.testAuc}`);
  });

  it('respects maxLeafNodes / maxDepth and lowers the training loss', () => {
    assert.ok(model.trees.every((t) => countLeaves(t) <= 31));
    const shallow = fitGradientBoosting(XTrain, yTrain, { maxIter: 20, maxDepth: 2, maxLeafNodes: 8 });
    assert.ok(shallow.trees.every((t) => treeDepth(t) <= 2 && countLeaves(t) <= 4));
    assert.equal(model.trainLoss.length, model.nIter + 1);
    assert.ok(model.trainLoss.at(-1)! < model.trainLoss[0] * 0.8);
    assert.equal(model.validationLoss, null); // 'auto' early stopping is off below 10,000 rows, as in sklearn
  });
});

describe('gradient boosting model', () => {
  const model = fitGradientBoosting(XTrain, yTrain, { maxIter: 30 });

  it('survives a JSON round trip with identical predictions (through predictProba)', () => {
    const restored = JSON.parse(JSON.stringify(model)) as ClassifierModel;
    assert.equal(restored.kind, 'gradient-boosting');
    assert.deepEqual(predictProba(restored, XTest), predictProbaBoosting(model, XTest));
    assert.ok(model.trees.every((t) => t.threshold.every(Number.isFinite)));
  });

  it('is what fitClassifier builds, and raw scores are log-odds of the probabilities', () => {
    const viaSpec = fitClassifier({ kind: 'gradient-boosting', options: { maxIter: 30 } }, XTrain, yTrain);
    assert.deepEqual(viaSpec, model);
    const raw = predictRawBoosting(model, XTest);
    const proba = predictProbaBoosting(model, XTest);
    assert.ok(
      maxAbsDiff(
        proba,
        Array.from(raw, (r) => 1 / (1 + Math.exp(-r))),
      ) < 1e-15,
    );
  });

  it('early stopping halts on noise and records validation loss', () => {
    const noiseX = Array.from({ length: 1000 }, (_, i) => [(i * 7919) % 101, (i * 104729) % 97]);
    const noiseY = Array.from({ length: 1000 }, (_, i) => (((i * 2654435761) >>> 0) % 10 < 3 ? 1 : 0));
    const stopped = fitGradientBoosting(noiseX, noiseY, { maxIter: 200, earlyStopping: true, seed: 1 });
    assert.ok(stopped.nIter < 200, `ran ${stopped.nIter} iterations`);
    assert.equal(stopped.validationLoss?.length, stopped.nIter + 1);
  });

  it('stops on copies of rows only when the copies stay out of the trees (rows the caller chooses)', () => {
    // Noise, each row copied five times: a random validation slice is mostly copies of rows the trees fit,
    // so its loss keeps falling; holding out every copy of the last 50 rows measures unseen rows.
    const base = Array.from({ length: 500 }, (_, i) => [(i * 7919) % 101, (i * 104729) % 97]);
    const baseY = Array.from({ length: 500 }, (_, i) => (((i * 2654435761) >>> 0) % 10 < 3 ? 1 : 0));
    const copies = 5;
    const X = Array.from({ length: copies }, () => base).flat();
    const y = Array.from({ length: copies }, () => baseY).flat();
    const options = { maxIter: 300, earlyStopping: true, seed: 1 } as const;
    const random = fitGradientBoosting(X, y, options);
    const held = Array.from({ length: copies }, (_, c) => Array.from({ length: 50 }, (_, k) => c * 500 + 450 + k));
    const unseen = fitGradientBoosting(X, y, options, undefined, held.flat());
    assert.ok(unseen.nIter < 40, `stopped after ${unseen.nIter} iterations`);
    assert.ok(random.nIter > 2 * unseen.nIter, `random slice: ${random.nIter}, unseen rows: ${unseen.nIter}`);
  });

  it('refuses validation rows that are out of range or leave no side', () => {
    const X = Array.from({ length: 40 }, (_, i) => [i]);
    const y = Array.from({ length: 40 }, (_, i) => i % 2);
    const fit = (rows: number[]) => fitGradientBoosting(X, y, { earlyStopping: true, maxIter: 5 }, undefined, rows);
    assert.throws(() => fit([3, 40]), /validation row 40 is not in \[0, 40\)/);
    assert.throws(() => fit([1.5]), /validation row 1.5/);
    assert.throws(() => fit([]), /leave 40 training and 0 validation rows/);
    assert.throws(() => fit(X.map((_, i) => i)), /leave 0 training and 40 validation rows/);
  });

  it('learns NaN direction and predicts NaN never seen in training', () => {
    const rows: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 600; i++) {
      const label = (i * 37) % 100 < 30 ? 1 : 0;
      const missing = label === 1 ? i % 10 !== 0 : i % 10 === 0;
      rows.push([missing ? Number.NaN : (i * 13) % 29, (i * 7) % 11]);
      labels.push(label);
    }
    const fitted = fitGradientBoosting(rows.slice(0, 450), labels.slice(0, 450), { maxIter: 50 });
    assert.ok(rocAuc(labels.slice(450), predictProbaBoosting(fitted, rows.slice(450))) > 0.85);
    const [p] = predictProbaBoosting(fitted, [[3, Number.NaN]]); // feature 1 never NaN in training
    assert.ok(p >= 0 && p <= 1);
    const importances = featureImportances(fitted);
    assert.equal(importances.indexOf(Math.max(...importances)), 0);
  });

  it('rejects bad parameters', () => {
    assert.throws(() => fitGradientBoosting(XTrain, yTrain, { learningRate: 0 }), /learningRate/);
    assert.throws(() => fitGradientBoosting(XTrain, yTrain, { maxLeafNodes: 1 }), /maxLeafNodes/);
    assert.throws(() => fitGradientBoosting(XTrain, yTrain.slice(1)), /label count/);
  });
});
