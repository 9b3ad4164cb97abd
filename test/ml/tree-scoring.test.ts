import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { fitGradientBoosting, predictRawBoosting } from '../../src/ml/gradient-boosting.js';
import { fitRandomForest, predictProbaForest } from '../../src/ml/random-forest.js';
import { mulberry32 } from '../../src/ml/random.js';
import {
  accumulateTreePredictions,
  addNode,
  emptyTree,
  makeSplit,
  SPLIT_ON_NAN_THRESHOLD,
  type TreeArrays,
} from '../../src/ml/tree-arrays.js';
import {
  accumulateTreesPredictions,
  compileTrees,
  isCompiledTree,
  MAX_COMPILED_TREE_NODES,
} from '../../src/ml/tree-scoring.js';

const N_FEATURES = 4;

/** Columns with NaN, negative zero, ties on thresholds and large values, so every comparison path is taken. */
function columnsOf(nRows: number, seed: number): Float64Array[] {
  const rng = mulberry32(seed);
  const specials = [Number.NaN, -0, 0, 0.5, -1.25, 1e300, -1e300, Number.MAX_VALUE];
  return Array.from({ length: N_FEATURES }, () =>
    Float64Array.from({ length: nRows }, () =>
      rng() < 0.3 ? specials[Math.floor(rng() * specials.length)] : Math.round((rng() * 4 - 2) * 4) / 4,
    ),
  );
}

/** A random full tree of `depth` levels: thresholds on the quarter grid (ties), NaN sent either way, the NaN split. */
function randomTree(depth: number, seed: number): TreeArrays {
  const rng = mulberry32(seed);
  const tree = emptyTree();
  const grow = (node: number, level: number) => {
    if (level === depth) return;
    const left = addNode(tree, rng() * 2 - 1);
    const right = addNode(tree, rng() < 0.1 ? -0 : rng() * 2 - 1);
    const threshold = rng() < 0.1 ? SPLIT_ON_NAN_THRESHOLD : Math.round((rng() * 4 - 2) * 4) / 4;
    makeSplit(
      tree,
      node,
      { feature: Math.floor(rng() * N_FEATURES), nanGoesLeft: rng() < 0.5 },
      threshold,
      left,
      right,
    );
    grow(left, level + 1);
    grow(right, level + 1);
  };
  grow(addNode(tree, 0.25), 0);
  return tree;
}

/** The reference: every tree walked node by node. */
function walked(trees: TreeArrays[], columns: Float64Array[], scale: number, start: number): Float64Array {
  const out = new Float64Array(columns[0].length).fill(start);
  for (const tree of trees) accumulateTreePredictions(tree, { nRows: out.length, columns }, out, scale);
  return out;
}

/** Compiled where compileTrees compiles, then scored. */
function scored(trees: TreeArrays[], columns: Float64Array[], scale: number, start: number): Float64Array {
  compileTrees(trees);
  const out = new Float64Array(columns[0].length).fill(start);
  accumulateTreesPredictions(trees, { nRows: out.length, columns }, out, scale);
  return out;
}

function assertSameBits(actual: Float64Array, expected: Float64Array): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    assert.ok(Object.is(actual[i], expected[i]), `row ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

describe('accumulateTreesPredictions', () => {
  it('compiles small trees and scores every row to the same bits as walking them', () => {
    const trees = Array.from({ length: 12 }, (_, t) => randomTree(1 + (t % 6), 100 + t));
    const columns = columnsOf(2_000, 7);
    for (const scale of [1, 0.1, -3]) {
      assertSameBits(scored(trees, columns, scale, 0.5), walked(trees, columns, scale, 0.5));
    }
    assert.ok(trees.every(isCompiledTree));
  });

  it('keeps the sign of a zero leaf value', () => {
    const tree = emptyTree();
    addNode(tree, 0);
    makeSplit(tree, 0, { feature: 0, nanGoesLeft: false }, 0, addNode(tree, -0), addNode(tree, 1));
    const columns = [Float64Array.of(-1, 1), ...columnsOf(2, 1).slice(1)];
    const out = scored([tree], columns, 1, -0);
    assert.ok(Object.is(out[0], -0));
    assert.ok(isCompiledTree(tree));
  });

  it('walks trees above the node budget, with the same result', () => {
    const big = randomTree(8, 3); // 511 nodes
    assert.ok(big.feature.length > MAX_COMPILED_TREE_NODES);
    const columns = columnsOf(500, 9);
    assertSameBits(scored([big], columns, 1, 0), walked([big], columns, 1, 0));
    assert.equal(isCompiledTree(big), false);
  });

  it('never compiles what is not numbers: a text threshold or a child before its parent is walked as stored', () => {
    const columns = columnsOf(300, 11);
    const injected = randomTree(2, 5);
    (injected.threshold as unknown[])[0] = '0) { throw new Error("compiled text") } if (0';
    const reordered = emptyTree();
    // Root 0 → (3, 1); node 3 → (2, 4): a valid tree whose node 3 has a child (2) numbered before it.
    for (const value of [0, 0.1, 0.2, 0, 0.4]) addNode(reordered, value);
    makeSplit(reordered, 0, { feature: 0, nanGoesLeft: true }, 0.5, 3, 1);
    makeSplit(reordered, 3, { feature: 1, nanGoesLeft: false }, -0.25, 2, 4);
    for (const tree of [injected, reordered]) {
      assertSameBits(scored([tree], columns, 1, 0), walked([tree], columns, 1, 0));
      assert.equal(isCompiledTree(tree), false);
    }
  });

  it('fitted models predict as their trees walked (boosting compiled)', () => {
    const rng = mulberry32(21);
    const nRows = 3_000;
    const columns = columnsOf(nRows, 13);
    const y = Array.from({ length: nRows }, (_, i) =>
      (Number.isNaN(columns[0][i]) ? 1 : columns[0][i]) + columns[1][i] * 0.5 + rng() > 0.8 ? 1 : 0,
    );
    const X = { nRows, columns };
    const boosting = fitGradientBoosting(X, y, { maxIter: 30, earlyStopping: false, seed: 1 });
    const asFitted = predictRawBoosting(boosting, X);
    // Nothing compiles unasked (a fit's own scoring walks its trees).
    assert.ok(!boosting.trees.some(isCompiledTree));
    compileTrees(boosting.trees);
    assert.ok(boosting.trees.every(isCompiledTree));
    assertSameBits(predictRawBoosting(boosting, X), asFitted);
    assertSameBits(asFitted, walked(boosting.trees, columns, 1, boosting.baseline));

    const forest = fitRandomForest(X, y, { nEstimators: 5, seed: 1 });
    compileTrees(forest.trees);
    const expected = walked(forest.trees, columns, 1, 0).map((sum) => sum / forest.trees.length);
    assertSameBits(predictProbaForest(forest, X), expected);
  });
});
