import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import {
  earlyStoppingRows,
  fitGradientBoosting,
  meanBinomialLoss,
  predictRawBoosting,
} from '../../src/ml/gradient-boosting.js';
import { fitLinearWithHeldOutScores, fitWithHeldOutScores, type TrainingMatrixSource } from '../../src/ml/held-out.js';
import { expit } from '../../src/ml/math.js';
import { rocAuc } from '../../src/ml/metrics.js';
import { fitRandomForest, predictProbaForest } from '../../src/ml/random-forest.js';
import { takeRows, takeValues, toColumns, type FeatureColumns } from '../../src/ml/tabular-input.js';
import { leafIndexAt, type TreeArrays } from '../../src/ml/tree-arrays.js';

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/classifiers-reference.json', import.meta.url), 'utf8'),
  (_key, value: unknown) => (value === null ? Number.NaN : value),
) as { dataset: { X: number[][]; y: number[]; nTrain: number } };

const { X, y, nTrain } = fixture.dataset;
const columns = (rows: number[][]): FeatureColumns => ({ nRows: rows.length, columns: toColumns(rows) });
const xTrain = columns(X.slice(0, nTrain));
const xTest = columns(X.slice(nTrain));
const yTrain = Float64Array.from(y.slice(0, nTrain));
const yTest = y.slice(nTrain);

describe('out-of-sample scores of the training rows', () => {
  it('a forest’s are its out-of-bag scores: each row averaged over the trees that did not draw it', () => {
    const options = { nEstimators: 30, seed: 3 };
    const { model, heldOut } = fitWithHeldOutScores({ kind: 'random-forest', options }, xTrain, yTrain, 42);
    // The same forest again, its out-of-bag scores computed here from the trees and bootstraps it reports.
    const grown: { tree: TreeArrays; outOfBag: number[] }[] = [];
    fitRandomForest(xTrain, yTrain, options, undefined, (tree, weights) =>
      grown.push({ tree, outOfBag: [...weights.keys()].filter((i) => weights[i] === 0) }),
    );
    assert.deepEqual(
      grown.map((g) => g.tree),
      model.kind === 'random-forest' ? model.trees : [],
    );
    const expected: number[] = [];
    const labels: number[] = [];
    for (let i = 0; i < nTrain; i++) {
      const trees = grown.filter((g) => g.outOfBag.includes(i));
      if (trees.length === 0) continue;
      expected.push(
        trees.reduce((sum, g) => sum + g.tree.value[leafIndexAt(g.tree, xTrain.columns, i)], 0) / trees.length,
      );
      labels.push(yTrain[i]);
    }
    assert.equal(heldOut.source, 'out-of-bag');
    assert.ok(expected.length > 0.95 * nTrain, `${expected.length} of ${nTrain} rows out of bag at least once`);
    assert.deepEqual(Array.from(heldOut.labels), labels);
    heldOut.scores.forEach((score, k) => assert.ok(Math.abs(score - expected[k]) < 1e-12, `row ${k}`));
    // Honest: close to the test AUC, unlike in-sample scores, which a forest of deep trees ranks almost perfectly.
    const testAuc = rocAuc(yTest, predictProbaForest(model as never, xTest));
    const outOfBagAuc = rocAuc(heldOut.labels, heldOut.scores);
    const inSampleAuc = rocAuc(yTrain, predictProbaForest(model as never, xTrain));
    assert.ok(Math.abs(outOfBagAuc - testAuc) < 0.08, `out of bag ${outOfBagAuc}, test ${testAuc}`);
    assert.ok(inSampleAuc > outOfBagAuc + 0.05, `in sample ${inSampleAuc}, out of bag ${outOfBagAuc}`);
  });

  it('a forest also gives its in-sample scores, the same numbers as predicting the training rows', () => {
    // Coarse bins (several values per bin, NaN in the data) and no bootstrap (every row in bag) included: rows
    // that reach a leaf while the tree grows must land in the same leaf when routed by thresholds.
    // Copies of rows with the other label: impure leaves no split can separate.
    const copies = X.slice(0, 40);
    const xConflicting = columns([...X.slice(0, nTrain), ...copies]);
    const yConflicting = Float64Array.from([...yTrain, ...y.slice(0, 40).map((label) => 1 - label)]);
    for (const [options, x, labels] of [
      [{ nEstimators: 20, seed: 5 }, xTrain, yTrain],
      [{ nEstimators: 20, seed: 5, maxBins: 6 }, xTrain, yTrain],
      [{ nEstimators: 5, seed: 5, bootstrap: false, maxFeatures: 2 }, xTrain, yTrain],
      [{ nEstimators: 20, seed: 5 }, xConflicting, yConflicting],
    ] as const) {
      const { model, inSampleScores } = fitWithHeldOutScores({ kind: 'random-forest', options }, x, labels, 42);
      assert.ok(inSampleScores, `in-sample scores for ${JSON.stringify(options)}`);
      assert.deepEqual(inSampleScores, predictProbaForest(model as never, x), JSON.stringify(options));
    }
    // The other kinds leave it to the caller.
    const boosted = fitWithHeldOutScores({ kind: 'gradient-boosting', options: { maxIter: 5 } }, xTrain, yTrain, 42);
    assert.equal(boosted.inSampleScores, undefined);
  });

  it('boosting’s are the early-stopping rows, scored exactly as the last validation round scored them', () => {
    const spec = { kind: 'gradient-boosting', options: { earlyStopping: true, maxIter: 200, seed: 5 } } as const;
    const { model, heldOut } = fitWithHeldOutScores(spec, xTrain, yTrain, 42);
    assert.equal(heldOut.source, 'early-stopping');
    assert.ok(model.kind === 'gradient-boosting' && model.validationLoss !== null);
    const rows = earlyStoppingRows(model, yTrain)!;
    assert.equal(rows.length, Math.ceil(0.1 * nTrain));
    assert.deepEqual(
      Array.from(heldOut.labels),
      rows.map((i) => yTrain[i]),
    );
    const raw = predictRawBoosting(model, takeRows(xTrain, rows));
    assert.equal(meanBinomialLoss(heldOut.labels, raw), model.validationLoss.at(-1));
    heldOut.scores.forEach((score, k) => assert.equal(score, expit(raw[k])));
  });

  it('boosting’s are the rows it was told to stop on when the caller chooses them', () => {
    const spec = { kind: 'gradient-boosting', options: { earlyStopping: true, maxIter: 200, seed: 5 } } as const;
    const chosen = Array.from({ length: 60 }, (_, k) => nTrain - 60 + k); // say, the latest loans
    const { model, heldOut } = fitWithHeldOutScores(spec, xTrain, yTrain, 42, undefined, chosen);
    assert.ok(model.kind === 'gradient-boosting' && model.validationLoss !== null);
    assert.deepEqual(earlyStoppingRows(model, yTrain, chosen), chosen);
    assert.deepEqual(
      Array.from(heldOut.labels),
      chosen.map((i) => yTrain[i]),
    );
    const raw = predictRawBoosting(model, takeRows(xTrain, chosen));
    assert.equal(meanBinomialLoss(heldOut.labels, raw), model.validationLoss.at(-1));
    // The trees never saw those rows: the same fit on the other rows alone, without early stopping's slice.
    const others = Array.from({ length: nTrain - 60 }, (_, i) => i);
    const alone = fitGradientBoosting(takeRows(xTrain, others), takeValues(yTrain, others), {
      ...spec.options,
      earlyStopping: false,
      maxIter: model.nIter,
    });
    assert.deepEqual(alone.trees, model.trees);
  });

  it('a linear model’s, from a source of its training matrix, are those of the matrix itself', () => {
    // The fit and refit own what the source builds (and standardise it in place); the source's matrix stays.
    const source: TrainingMatrixSource = (rows) => (rows ? takeRows(xTrain, rows) : takeRows(xTrain, allRows));
    const allRows = Array.from({ length: xTrain.nRows }, (_, i) => i);
    const before = xTrain.columns.map((column) => Float64Array.from(column));
    const progress: string[] = [];
    const fromSource = fitLinearWithHeldOutScores({ C: 1 }, source, yTrain, 42, (phase) => progress.push(phase));
    const fromMatrix = fitWithHeldOutScores({ kind: 'logistic-regression', options: { C: 1 } }, xTrain, yTrain, 42);
    assert.deepEqual(fromSource, fromMatrix);
    assert.equal(fromSource.heldOut.source, 'refit');
    assert.deepEqual(xTrain.columns, before);
    assert.deepEqual([...new Set(progress)], ['fit', 'held-out']);
  });

  it('otherwise a refit on 80% of the rows scores the other 20%', () => {
    for (const spec of [
      { kind: 'logistic-regression', options: { C: 1 } },
      { kind: 'gradient-boosting', options: { earlyStopping: false, maxIter: 20 } },
      { kind: 'random-forest', options: { nEstimators: 5, bootstrap: false } },
    ] as const) {
      const { heldOut } = fitWithHeldOutScores(spec, xTrain, yTrain, 42);
      assert.equal(heldOut.source, 'refit', spec.kind);
      assert.equal(heldOut.scores.length, Math.ceil(0.2 * nTrain), spec.kind);
      assert.ok(rocAuc(heldOut.labels, heldOut.scores) > 0.6, spec.kind);
    }
  });
});
