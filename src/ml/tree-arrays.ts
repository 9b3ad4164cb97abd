/** Fitted trees as flat, JSON-friendly node arrays: building them, routing rows to leaves, and predicting. */
import type { FeatureColumns } from './tabular-input.js';

/** A fitted tree as parallel arrays indexed by node id (node 0 is the root). */
export interface TreeArrays {
  /** Split feature index, or -1 for a leaf. */
  feature: number[];
  /** Rows with `x <= threshold` go left (0 for leaves). */
  threshold: number[];
  /** 1 if NaN goes to the left child, else 0. */
  nanGoesLeft: number[];
  /** Child node ids, -1 for leaves. */
  left: number[];
  right: number[];
  /** Node prediction: P(y = 1) for forest trees, raw-score increment (already × learning rate) for boosting. */
  value: number[];
}

/** Threshold of a "non-missing left, NaN right" split. Finite so the model survives JSON. */
export const SPLIT_ON_NAN_THRESHOLD = Number.MAX_VALUE;

/** A grown tree and what it adds to the feature importances. */
export interface GrownTree {
  tree: TreeArrays;
  /** Total (weighted) impurity decrease or gain per feature, unnormalised. */
  importances: Float64Array;
}

/** A tree without nodes; the first addNode creates the root. */
export function emptyTree(): TreeArrays {
  return { feature: [], threshold: [], nanGoesLeft: [], left: [], right: [], value: [] };
}

/** Appends a leaf and returns its id; a later `makeSplit` may turn it into an internal node. */
export function addNode(tree: TreeArrays, value: number): number {
  tree.feature.push(-1);
  tree.threshold.push(0);
  tree.nanGoesLeft.push(0);
  tree.left.push(-1);
  tree.right.push(-1);
  tree.value.push(value);
  return tree.feature.length - 1;
}

/** Turns leaf `node` into an internal node: rows with `x <= threshold` go to `left`, NaN as the split learned. */
export function makeSplit(
  tree: TreeArrays,
  node: number,
  split: { feature: number; nanGoesLeft: boolean },
  threshold: number,
  left: number,
  right: number,
) {
  tree.feature[node] = split.feature;
  tree.threshold[node] = threshold;
  tree.nanGoesLeft[node] = split.nanGoesLeft ? 1 : 0;
  tree.left[node] = left;
  tree.right[node] = right;
}

/** Id of the leaf a single row lands in (sklearn's `apply`). */
export function leafIndex(tree: TreeArrays, row: ArrayLike<number>): number {
  const { feature, threshold, nanGoesLeft, left, right } = tree;
  let node = 0;
  while (left[node] !== -1) {
    const x = row[feature[node]];
    const goLeft = Number.isNaN(x) ? nanGoesLeft[node] === 1 : x <= threshold[node];
    node = goLeft ? left[node] : right[node];
  }
  return node;
}

/** Value of the leaf a single row lands in. */
export function predictTreeRow(tree: TreeArrays, row: ArrayLike<number>): number {
  return tree.value[leafIndex(tree, row)];
}

/** Id of the leaf row `i` of a column matrix lands in. */
export function leafIndexAt(tree: TreeArrays, columns: readonly Float64Array[], i: number): number {
  const { feature, threshold, nanGoesLeft, left, right } = tree;
  let node = 0;
  while (left[node] !== -1) {
    const x = columns[feature[node]][i];
    const goLeft = Number.isNaN(x) ? nanGoesLeft[node] === 1 : x <= threshold[node];
    node = goLeft ? left[node] : right[node];
  }
  return node;
}

/** Adds `scale ×` the tree's prediction for each row into `out` (shared by forest averaging and boosting). */
export function accumulateTreePredictions(tree: TreeArrays, X: FeatureColumns, out: Float64Array, scale = 1): void {
  const { columns, nRows } = X;
  for (let i = 0; i < nRows; i++) out[i] += scale * tree.value[leafIndexAt(tree, columns, i)];
}

export function countLeaves(tree: TreeArrays): number {
  return tree.left.reduce((n, child) => n + (child === -1 ? 1 : 0), 0);
}

export function treeDepth(tree: TreeArrays): number {
  const depthOf = (node: number): number =>
    tree.left[node] === -1 ? 0 : 1 + Math.max(depthOf(tree.left[node]), depthOf(tree.right[node]));
  return depthOf(0);
}
