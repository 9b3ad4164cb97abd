/**
 * Scoring rows with a fitted model's trees. A model that serves requests (the API keeps loaded models) has its
 * small trees (boosting's, up to 31 leaves) compiled once, `compileTrees`, into JavaScript functions of nested
 * comparisons with the features, thresholds and leaf values as constants: walking the node arrays is a chain of
 * dependent loads per level (child id, feature, column, threshold), a compiled tree loads only the row's value.
 * A 1,000-row batch through the CS611 champion's 66 trees: 5.0 → 2.4 ms. Compiling does not pay where trees
 * score a few batches (a fit's own scoring: new functions run cold, +0.3 s per boosting fit), nor for large
 * trees (the forest's, about a thousand nodes each: no faster, and 170 ms to compile 100), so those are walked.
 * Both give the same bits: the same comparisons, the same sums in the same order.
 */
import type { FeatureColumns } from './tabular-input.js';
import { accumulateTreePredictions, type TreeArrays } from './tree-arrays.js';

/** Adds `scale ×` the tree's leaf value for each of the first `nRows` rows of `columns` into `out`. */
type CompiledTree = (columns: readonly Float64Array[], out: Float64Array, nRows: number, scale: number) => void;

/** Trees with more nodes are walked. */
export const MAX_COMPILED_TREE_NODES = 255;

/** Per tree object given to compileTrees: its compiled function, or null where it is walked. */
const compiledTrees = new WeakMap<TreeArrays, CompiledTree | null>();

/** Adds `scale ×` every tree's prediction for each row into `out`, tree after tree (so each row sums in tree order). */
export function accumulateTreesPredictions(
  trees: readonly TreeArrays[],
  X: FeatureColumns,
  out: Float64Array,
  scale = 1,
): void {
  for (const tree of trees) {
    const compiled = compiledTrees.get(tree);
    if (compiled) compiled(X.columns, out, X.nRows, scale);
    else accumulateTreePredictions(tree, X, out, scale);
  }
}

/**
 * Compiles the small, well-formed trees among `trees` for accumulateTreesPredictions; once per tree object (a
 * model held in a cache compiles on its first request).
 */
export function compileTrees(trees: readonly TreeArrays[]): void {
  for (const tree of trees) {
    if (!compiledTrees.has(tree)) compiledTrees.set(tree, isCompilable(tree) ? compileTree(tree) : null);
  }
}

/** Whether `tree` scores as a compiled function (for tests and diagnostics). */
export function isCompiledTree(tree: TreeArrays): boolean {
  return (compiledTrees.get(tree) ?? null) !== null;
}

/**
 * Only a well-formed small tree is compiled, so the generated source holds nothing but integers and finite
 * numbers: every child id is after its parent (trees are built so; it also rules out cycles), every feature a
 * non-negative integer, every threshold and value a finite number. Anything else (a hand-edited artifact, say)
 * is walked as stored.
 */
function isCompilable(tree: TreeArrays): boolean {
  const n = tree.feature.length;
  if (n === 0 || n > MAX_COMPILED_TREE_NODES) return false;
  for (let node = 0; node < n; node++) {
    if (!isFiniteNumber(tree.value[node])) return false;
    if (tree.left[node] === -1) continue;
    const left = tree.left[node];
    const right = tree.right[node];
    const isChild = (child: number) => Number.isInteger(child) && child > node && child < n;
    if (!isChild(left) || !isChild(right)) return false;
    if (!Number.isInteger(tree.feature[node]) || tree.feature[node] < 0) return false;
    if (!isFiniteNumber(tree.threshold[node])) return false;
  }
  return true;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A finite number as source text that reads back as the same double (String() round-trips; -0 needs its sign). */
function literal(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

/**
 * The tree as nested ifs assigning the leaf's value to `v`. NaN goes where the split learned: `x <= t` is false
 * for NaN (right), `!(x > t)` true (left), and for every other x the two agree.
 */
function nodeSource(tree: TreeArrays, node: number): string {
  if (tree.left[node] === -1) return `v = ${literal(tree.value[node])};`;
  const x = `c${tree.feature[node]}[i]`;
  const threshold = literal(tree.threshold[node]);
  const goesLeft = tree.nanGoesLeft[node] === 1 ? `!(${x} > ${threshold})` : `${x} <= ${threshold}`;
  return `if (${goesLeft}) { ${nodeSource(tree, tree.left[node])} } else { ${nodeSource(tree, tree.right[node])} }`;
}

function compileTree(tree: TreeArrays): CompiledTree {
  const features = [...new Set(tree.feature.filter((f, node) => tree.left[node] !== -1 && f >= 0))];
  const source = [
    '"use strict";',
    ...features.map((f) => `const c${f} = columns[${f}];`),
    'for (let i = 0; i < nRows; i++) {',
    '  let v = 0;',
    `  ${nodeSource(tree, 0)}`,
    '  out[i] += scale * v;',
    '}',
  ].join('\n');
  // The source is built above from validated integers and finite numbers only (isCompilable), never from text.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('columns', 'out', 'nRows', 'scale', source) as CompiledTree;
}
