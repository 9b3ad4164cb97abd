/** Gini classification tree grown depth-first on binned data with per-row bootstrap weights (the forest's tree). */
import { mulberry32, randomInt, type UniformRng } from './random.js';
import { fitColumns, toBinaryLabels, type FeatureMatrix } from './tabular-input.js';
import { addNode, emptyTree, makeSplit, type GrownTree, type TreeArrays } from './tree-arrays.js';
import { BIN_SLOTS, binColumns, DEFAULT_MAX_BINS, STATS_PER_BIN, type BinnedMatrix } from './tree-binning.js';
import {
  noSplit,
  partitionRows,
  resolveSplitBins,
  scanFeature,
  sendNanToLargerChild,
  splitThreshold,
  type SplitCandidate,
  type SplitRules,
} from './tree-split-search.js';

export interface ClassificationTreeOptions {
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  /** Features examined per node (constant-in-node features do not count, as in sklearn). */
  maxFeatures: number;
}

/** Reusable buffers so growing many trees allocates almost nothing per tree. */
export interface ClassificationTreeWorkspace {
  hist: Float64Array;
  binList: Int32Array;
  /** 256-bit set of touched bins, drained into binList in ascending order. */
  touchedBins: Uint32Array;
  identityBins: Int32Array;
  featureOrder: Int32Array;
  scratch: Int32Array;
}

export function createClassificationWorkspace(data: BinnedMatrix): ClassificationTreeWorkspace {
  return {
    hist: new Float64Array(BIN_SLOTS * STATS_PER_BIN),
    binList: new Int32Array(BIN_SLOTS),
    touchedBins: new Uint32Array(8),
    identityBins: Int32Array.from({ length: BIN_SLOTS }, (_, i) => i),
    featureOrder: Int32Array.from({ length: data.nFeatures }, (_, i) => i),
    scratch: new Int32Array(data.nRows),
  };
}

interface PendingNode {
  id: number;
  start: number;
  end: number;
  depth: number;
  sumW: number;
  sumWy: number;
}

/**
 * Grows a gini classification tree depth-first on rows indices[0, length) with per-row weights (bootstrap counts).
 * Leaf value = weighted share of positives. `indices` is reordered in place.
 */
export function growClassificationTree(
  data: BinnedMatrix,
  labels: Float64Array,
  weights: Float64Array,
  indices: Int32Array,
  opts: ClassificationTreeOptions,
  rng: UniformRng,
  workspace: ClassificationTreeWorkspace,
  /** If given, the leaf each of `indices`' rows lands in is written at the row's position (other rows untouched). */
  leafOfRow?: Int32Array,
): GrownTree {
  const tree = emptyTree();
  const importances = new Float64Array(data.nFeatures);
  const rules: SplitRules = { criterion: 'gini', minSamplesLeaf: opts.minSamplesLeaf, minHessian: 0, l2: 0 };
  let sumW = 0;
  let sumWy = 0;
  for (let k = 0; k < indices.length; k++) {
    sumW += weights[indices[k]];
    sumWy += weights[indices[k]] * labels[indices[k]];
  }
  const stack: PendingNode[] = [
    { id: addNode(tree, sumWy / sumW), start: 0, end: indices.length, depth: 0, sumW, sumWy },
  ];
  const leaf = (node: PendingNode) => {
    if (leafOfRow) for (let k = node.start; k < node.end; k++) leafOfRow[indices[k]] = node.id;
  };
  while (stack.length > 0) {
    const node = stack.pop()!;
    const count = node.end - node.start;
    const isPure = node.sumWy <= 0 || node.sumWy >= node.sumW;
    if (isPure || node.depth >= opts.maxDepth || count < opts.minSamplesSplit || count < 2 * opts.minSamplesLeaf) {
      leaf(node);
      continue;
    }
    const split = findClassificationSplit(
      data,
      labels,
      weights,
      indices,
      node,
      rules,
      opts.maxFeatures,
      rng,
      workspace,
    );
    if (split.feature < 0) {
      leaf(node);
      continue;
    }
    const threshold = splitThreshold(data, split, 'midpoint');
    const mid = partitionRows(data, indices, node.start, node.end, split, workspace.scratch);
    const rightW = node.sumW - split.leftA;
    const rightWy = node.sumWy - split.leftB;
    const leftId = addNode(tree, split.leftB / split.leftA);
    const rightId = addNode(tree, rightWy / rightW);
    makeSplit(tree, node.id, split, threshold, leftId, rightId);
    importances[split.feature] += Math.max(split.gain, 0);
    const depth = node.depth + 1;
    stack.push({ id: rightId, start: mid, end: node.end, depth, sumW: rightW, sumWy: rightWy });
    stack.push({ id: leftId, start: node.start, end: mid, depth, sumW: split.leftA, sumWy: split.leftB });
  }
  return { tree, importances };
}

export interface ClassificationTreeParams {
  /** null = unlimited. */
  maxDepth: number | null;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  /** Candidate features per node; null = all (a plain CART tree). */
  maxFeatures: number | null;
  seed: number;
  maxBins: number;
}

/** Fits a single gini CART tree on all rows (unit weights); mostly for inspection and tests. */
export function fitClassificationTree(
  X: FeatureMatrix,
  y: ArrayLike<number>,
  options: Partial<ClassificationTreeParams> = {},
): TreeArrays {
  const columns = fitColumns(X);
  const nRows = columns[0].length;
  const labels = toBinaryLabels(y, nRows);
  const data = binColumns(columns, options.maxBins ?? DEFAULT_MAX_BINS);
  const rows = Int32Array.from({ length: nRows }, (_, i) => i);
  const treeOptions: ClassificationTreeOptions = {
    maxDepth: options.maxDepth ?? Number.POSITIVE_INFINITY,
    minSamplesSplit: options.minSamplesSplit ?? 2,
    minSamplesLeaf: options.minSamplesLeaf ?? 1,
    maxFeatures: options.maxFeatures ?? columns.length,
  };
  const weights = new Float64Array(nRows).fill(1);
  const rng = mulberry32(options.seed ?? 0);
  return growClassificationTree(data, labels, weights, rows, treeOptions, rng, createClassificationWorkspace(data))
    .tree;
}

/** Draws features without replacement until `maxFeatures` non-constant ones were scanned; returns the best split. */
function findClassificationSplit(
  data: BinnedMatrix,
  labels: Float64Array,
  weights: Float64Array,
  indices: Int32Array,
  node: PendingNode,
  rules: SplitRules,
  maxFeatures: number,
  rng: UniformRng,
  ws: ClassificationTreeWorkspace,
): SplitCandidate {
  const best = noSplit();
  const { hist, featureOrder } = ws;
  const nFeatures = data.nFeatures;
  const count = node.end - node.start;
  const total = { a: node.sumW, b: node.sumWy, count };
  let bestMissingCount = 0;
  let visited = 0;
  for (let j = 0; j < nFeatures && visited < maxFeatures; j++) {
    const pick = j + randomInt(rng, nFeatures - j);
    const f = featureOrder[pick];
    featureOrder[pick] = featureOrder[j];
    featureOrder[j] = f;
    const nBins = data.nBinsNonMissing[f];
    if (nBins < 2 && data.hasMissing[f] === 0) continue; // constant over the whole training set
    // Small nodes: scanning 255 mostly-empty bins would dominate, so list only the touched bins.
    const sparse = count < nBins;
    const nListed = sparse
      ? buildSparseGiniHistogram(data, labels, weights, indices, node.start, node.end, f, ws)
      : buildDenseGiniHistogram(data, labels, weights, indices, node.start, node.end, f, hist);
    const missingSlot = nBins * STATS_PER_BIN;
    const missingCount = hist[missingSlot + 2];
    const nonEmpty = sparse ? nListed : countNonEmptyBins(hist, nBins);
    if (nonEmpty + (missingCount > 0 ? 1 : 0) > 1) {
      visited++;
      const listed = sparse ? ws.binList : ws.identityBins;
      const nCandidates = sparse ? nListed : nBins;
      // Exact-CART convention: only try "NaN left" when this node actually has NaN for the feature.
      if (scanFeature(hist, 0, listed, nCandidates, missingSlot, f, total, rules, missingCount > 0, best)) {
        resolveSplitBins(hist, 0, nBins, best);
        bestMissingCount = missingCount;
      }
    }
    clearHistogram(hist, sparse ? ws.binList : null, nListed, nBins);
  }
  if (best.feature >= 0 && bestMissingCount === 0) sendNanToLargerChild(best, count);
  return best;
}

function buildDenseGiniHistogram(
  data: BinnedMatrix,
  labels: Float64Array,
  weights: Float64Array,
  indices: Int32Array,
  start: number,
  end: number,
  feature: number,
  hist: Float64Array,
): number {
  const { codes } = data;
  const offset = feature * data.nRows;
  for (let k = start; k < end; k++) {
    const row = indices[k];
    const slot = codes[offset + row] * STATS_PER_BIN;
    const w = weights[row];
    hist[slot] += w;
    hist[slot + 1] += w * labels[row];
    hist[slot + 2] += 1;
  }
  return data.nBinsNonMissing[feature];
}

/** Like the dense build, but also lists the distinct non-missing bins touched (ascending) in ws.binList. */
function buildSparseGiniHistogram(
  data: BinnedMatrix,
  labels: Float64Array,
  weights: Float64Array,
  indices: Int32Array,
  start: number,
  end: number,
  feature: number,
  ws: ClassificationTreeWorkspace,
): number {
  const { codes } = data;
  const missingCode = data.nBinsNonMissing[feature];
  const { hist, binList, touchedBins } = ws;
  const offset = feature * data.nRows;
  for (let k = start; k < end; k++) {
    const row = indices[k];
    const code = codes[offset + row];
    const slot = code * STATS_PER_BIN;
    if (code !== missingCode) touchedBins[code >>> 5] |= 1 << (code & 31);
    const w = weights[row];
    hist[slot] += w;
    hist[slot + 1] += w * labels[row];
    hist[slot + 2] += 1;
  }
  return drainBitsetAscending(touchedBins, binList);
}

/** Writes the set bits of a 256-bit bitset to `out` in ascending order, clears the bitset, returns the count. */
function drainBitsetAscending(bits: Uint32Array, out: Int32Array): number {
  let n = 0;
  for (let word = 0; word < bits.length; word++) {
    let remaining = bits[word];
    while (remaining !== 0) {
      const lowest = remaining & -remaining;
      out[n++] = word * 32 + 31 - Math.clz32(lowest);
      remaining ^= lowest;
    }
    bits[word] = 0;
  }
  return n;
}

function countNonEmptyBins(hist: Float64Array, nBins: number): number {
  let nonEmpty = 0;
  for (let b = 0; b < nBins; b++) if (hist[b * STATS_PER_BIN + 2] > 0) nonEmpty++;
  return nonEmpty;
}

/** Zeroes what a build touched: the listed bins (sparse) or all non-missing bins (dense), plus the NaN slot. */
function clearHistogram(hist: Float64Array, listed: Int32Array | null, nListed: number, nBins: number): void {
  if (listed === null) {
    hist.fill(0, 0, (nBins + 1) * STATS_PER_BIN);
    return;
  }
  for (let j = 0; j < nListed; j++) {
    const slot = listed[j] * STATS_PER_BIN;
    hist[slot] = 0;
    hist[slot + 1] = 0;
    hist[slot + 2] = 0;
  }
  const missingSlot = nBins * STATS_PER_BIN;
  hist[missingSlot] = 0;
  hist[missingSlot + 1] = 0;
  hist[missingSlot + 2] = 0;
}
