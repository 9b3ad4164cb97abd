import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import {
  binColumns,
  countLeaves,
  findBinThresholds,
  fitClassificationTree,
  leafIndex,
  predictTreeRow,
  SPLIT_ON_NAN_THRESHOLD,
  toColumns,
  treeDepth,
  type TreeArrays,
} from '../../src/ml/decision-tree.js';
import { mulberry32, randomInt } from '../../src/ml/random.js';

interface BinningReference {
  thresholds: number[][];
  nBinsNonMissing: number[];
  missingBin: number;
  codes?: number[][];
}

/** sklearn reference numbers (scripts/reference/classifiers_reference.py); null → NaN. */
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/classifiers-reference.json', import.meta.url), 'utf8'),
  (_key, value: unknown) => (value === null ? Number.NaN : value),
) as {
  dataset: { X: number[][]; y: number[]; nTrain: number };
  binning: Record<string, BinningReference>;
  tree: {
    XTrain: number[][];
    XTest: number[][];
    params: { maxDepth: number; minSamplesLeaf: number };
    tree: { left: number[]; right: number[]; feature: number[]; threshold: number[]; value: number[] };
    testProba: number[];
  };
};

const { X, y, nTrain } = fixture.dataset;
const XTrain = X.slice(0, nTrain);
const yTrain = y.slice(0, nTrain);

describe('binning vs sklearn _BinMapper', () => {
  for (const [maxBins, reference] of Object.entries(fixture.binning)) {
    it(`max_bins=${maxBins}: identical thresholds${reference.codes ? ' and codes' : ''}`, () => {
      const binned = binColumns(toColumns(XTrain), Number(maxBins));
      assert.deepEqual(Array.from(binned.nBinsNonMissing), reference.nBinsNonMissing);
      binned.thresholds.forEach((t, f) => assert.deepEqual(Array.from(t), reference.thresholds[f], `feature ${f}`));
      reference.codes?.forEach((column, f) => {
        // sklearn codes NaN as missingBin (255); we use the per-feature code nBinsNonMissing[f].
        const expected = column.map((c) => (c === reference.missingBin ? reference.nBinsNonMissing[f] : c));
        const ours = Array.from(binned.codes.subarray(f * nTrain, (f + 1) * nTrain));
        assert.deepEqual(ours, expected, `codes of feature ${f}`);
      });
    });
  }

  it('uses midpoints between distinct values when there are few, and ignores NaN', () => {
    assert.deepEqual(Array.from(findBinThresholds([3, 1, Number.NaN, 2, 2, 1])), [1.5, 2.5]);
    assert.deepEqual(Array.from(findBinThresholds([7, 7, Number.NaN])), []);
  });

  it('finds the same thresholds without sorting every value when a column has few distinct ones', () => {
    // The rule written out on a full sort: midpoints of the distinct values while there are at most maxBins.
    const bySorting = (values: number[], maxBins: number) => {
      const sorted = Float64Array.from(values.filter((v) => !Number.isNaN(v))).sort();
      const distinct = sorted.filter((v, i) => i === 0 || v !== sorted[i - 1]);
      return distinct.length > maxBins ? null : Array.from(distinct.subarray(1), (v, i) => (distinct[i] + v) / 2);
    };
    const rng = mulberry32(9);
    const draw = (levels: number[], n: number) =>
      Array.from({ length: n }, () => levels[randomInt(rng, levels.length)]);
    const columns: [number[], number][] = [
      [draw([0, 1], 500), 255],
      [draw([-0, 0, 1, Number.NaN], 500), 255],
      [draw([-3.5, -0, 2, 1e300, -1e300, Number.NaN], 500), 255],
      [
        draw(
          Array.from({ length: 8 }, (_, k) => k * 1.1),
          2000,
        ),
        8,
      ], // exactly maxBins distinct values
    ];
    for (const [values, maxBins] of columns) {
      assert.deepEqual(Array.from(findBinThresholds(values, maxBins)), bySorting(values, maxBins));
    }
    // One value more than maxBins: percentiles of every value (ten zeros weigh ten times), not midpoints.
    const nine = [...new Array<number>(10).fill(0), 1, 2, 3, 4, 5, 6, 7, 8];
    assert.deepEqual(Array.from(findBinThresholds(nine, 8)), [0, 2, 4, 6]);
  });
});

/** Compares two trees structurally from their roots (node numbering may differ). */
function assertSameTree(ours: TreeArrays, theirs: TreeArrays, a = 0, b = 0, path = 'root'): void {
  const oursLeaf = ours.left[a] === -1;
  const theirsLeaf = theirs.left[b] === -1;
  assert.equal(oursLeaf, theirsLeaf, `${path}: leaf vs split`);
  if (oursLeaf) {
    assert.ok(Math.abs(ours.value[a] - theirs.value[b]) < 1e-12, `${path}: leaf value`);
    return;
  }
  assert.equal(ours.feature[a], theirs.feature[b], `${path}: feature`);
  // sklearn's trees work in float32, so their midpoint thresholds carry float32 rounding.
  assert.ok(Math.abs(ours.threshold[a] - theirs.threshold[b]) < 1e-6, `${path}: threshold`);
  assertSameTree(ours, theirs, ours.left[a], theirs.left[b], `${path}.L`);
  assertSameTree(ours, theirs, ours.right[a], theirs.right[b], `${path}.R`);
}

describe('fitClassificationTree vs sklearn DecisionTreeClassifier', () => {
  const { XTrain: treeX, XTest: treeXTest, params, tree: reference, testProba } = fixture.tree;
  const tree = fitClassificationTree(treeX, yTrain, params);

  it('grows the same tree on features with <= 255 distinct values (where histogram CART is exact)', () => {
    const theirs: TreeArrays = {
      ...reference,
      nanGoesLeft: reference.feature.map(() => 0),
    };
    assertSameTree(tree, theirs);
    assert.equal(tree.feature.length, reference.feature.length);
    assert.equal(treeDepth(tree), params.maxDepth);
  });

  it('predicts the same probabilities', () => {
    treeXTest.forEach((row, i) => assert.ok(Math.abs(predictTreeRow(tree, row) - testProba[i]) < 1e-12, `row ${i}`));
  });

  it('respects minSamplesLeaf and maxDepth', () => {
    const stump = fitClassificationTree(treeX, yTrain, { maxDepth: 1 });
    assert.equal(countLeaves(stump), 2);
    const coarse = fitClassificationTree(XTrain, yTrain, { minSamplesLeaf: 50 });
    const leafSizes = new Map<number, number>();
    for (const row of XTrain) {
      const leaf = leafIndex(coarse, row);
      leafSizes.set(leaf, (leafSizes.get(leaf) ?? 0) + 1);
    }
    assert.equal(leafSizes.size, countLeaves(coarse));
    assert.ok([...leafSizes.values()].every((size) => size >= 50));
  });
});

describe('missing values', () => {
  // Feature 0 is missing exactly for the positives in the first half; feature 1 is weak signal.
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < 200; i++) {
    const label = i % 3 === 0 ? 1 : 0;
    rows.push([label === 1 && i < 100 ? Number.NaN : (i * 7) % 13, ((i * 5) % 11) + label]);
    labels.push(label);
  }

  it('learns which side NaN goes to', () => {
    const tree = fitClassificationTree(rows, labels, { maxDepth: 1 });
    assert.equal(tree.feature[0], 0);
    const nanLeaf = tree.nanGoesLeft[0] === 1 ? tree.left[0] : tree.right[0];
    assert.equal(tree.value[nanLeaf], 1);
    assert.equal(predictTreeRow(tree, [Number.NaN, 3]), 1);
  });

  it('sends NaN unseen in training to the larger child and keeps thresholds JSON-safe', () => {
    const complete = rows.map((r, i) => [i % 17, r[1]]);
    const tree = fitClassificationTree(complete, labels, { maxDepth: 1 });
    const leftSize = complete.filter((r) => r[tree.feature[0]] <= tree.threshold[0]).length;
    assert.equal(tree.nanGoesLeft[0], leftSize > complete.length - leftSize ? 1 : 0);
    const big = fitClassificationTree(rows, labels);
    assert.ok(big.threshold.every((t) => Number.isFinite(t)));
    assert.deepEqual(JSON.parse(JSON.stringify(big)), big);
  });

  it('splits "NaN vs everything else" with the finite sentinel threshold', () => {
    const nanOnly = Array.from({ length: 60 }, (_, i) => [i % 2 === 0 ? Number.NaN : i]);
    const nanLabels = nanOnly.map(([x]) => (Number.isNaN(x) ? 1 : 0));
    const tree = fitClassificationTree(nanOnly, nanLabels, { maxDepth: 1 });
    assert.ok(Math.abs(tree.threshold[0]) === SPLIT_ON_NAN_THRESHOLD);
    assert.equal(predictTreeRow(tree, [Number.NaN]), 1);
    assert.equal(predictTreeRow(tree, [1e12]), 0);
  });
});
