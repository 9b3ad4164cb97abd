/** Boosting tree grown best-first on gradient/hessian histograms, building only the smaller child's histogram. */
import { addNode, emptyTree, makeSplit, type GrownTree } from './tree-arrays.js';
import { BIN_SLOTS, STATS_PER_BIN, type BinnedMatrix } from './tree-binning.js';
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

export interface GradientTreeOptions {
  maxLeafNodes: number;
  maxDepth: number;
  minSamplesLeaf: number;
  minHessianToSplit: number;
  l2Regularization: number;
  /** Multiplies leaf values (learning rate). */
  shrinkage: number;
}

/** Buffers reused across boosting iterations (histograms are pooled: one per open leaf). */
export interface GradientTreeWorkspace {
  histPool: Float64Array[];
  histSize: number;
  orderedGradients: Float64Array;
  orderedHessians: Float64Array;
  scratch: Int32Array;
  identityBins: Int32Array;
}

export function createGradientWorkspace(data: BinnedMatrix): GradientTreeWorkspace {
  return {
    histPool: [],
    histSize: data.histSize,
    orderedGradients: new Float64Array(data.nRows),
    orderedHessians: new Float64Array(data.nRows),
    scratch: new Int32Array(data.nRows),
    identityBins: Int32Array.from({ length: BIN_SLOTS }, (_, i) => i),
  };
}

function acquireHistogram(ws: GradientTreeWorkspace): Float64Array {
  const hist = ws.histPool.pop();
  if (hist) {
    hist.fill(0);
    return hist;
  }
  return new Float64Array(ws.histSize);
}

function releaseHistogram(ws: GradientTreeWorkspace, hist: Float64Array | null): void {
  if (hist) ws.histPool.push(hist);
}

/** A leaf's rows, as a segment of the (reordered) index array, and its shrunk value. */
export interface LeafSegment {
  start: number;
  end: number;
  value: number;
}

export interface GrownGradientTree extends GrownTree {
  leaves: LeafSegment[];
}

interface GrowingNode {
  id: number;
  start: number;
  end: number;
  depth: number;
  sumG: number;
  sumH: number;
  /** Unshrunk Newton step −G/(H + λ). */
  value: number;
  hist: Float64Array | null;
  split: SplitCandidate | null;
}

/**
 * Grows one boosting tree best-first (always split the leaf with the largest gain) up to maxLeafNodes, using the
 * histogram subtraction trick: only the smaller child's histogram is built from rows, the larger one is
 * parent − smaller. Gradients/hessians are indexed by row; `indices` lists the training rows and is reordered.
 */
export function growGradientTree(
  data: BinnedMatrix,
  gradients: Float32Array,
  hessians: Float32Array,
  indices: Int32Array,
  opts: GradientTreeOptions,
  ws: GradientTreeWorkspace,
): GrownGradientTree {
  const tree = emptyTree();
  const importances = new Float64Array(data.nFeatures);
  const rules: SplitRules = {
    criterion: 'gradient',
    minSamplesLeaf: opts.minSamplesLeaf,
    minHessian: opts.minHessianToSplit,
    l2: opts.l2Regularization,
  };
  const leaves: GrowingNode[] = [];
  const splittable: GrowingNode[] = [];
  const nodeValue = (g: number, h: number) => -g / (h + opts.l2Regularization + 1e-15);

  const rootHist = acquireHistogram(ws);
  buildGradientHistogram(data, gradients, hessians, indices, 0, indices.length, rootHist, ws);
  let sumG = 0;
  let sumH = 0;
  for (let k = 0; k < indices.length; k++) {
    sumG += gradients[indices[k]];
    sumH += hessians[indices[k]];
  }
  const root: GrowingNode = {
    id: addNode(tree, 0),
    start: 0,
    end: indices.length,
    depth: 0,
    sumG,
    sumH,
    value: nodeValue(sumG, sumH),
    hist: rootHist,
    split: null,
  };
  const finalize = (node: GrowingNode) => {
    releaseHistogram(ws, node.hist);
    node.hist = null;
    leaves.push(node);
  };
  const evaluate = (node: GrowingNode) => {
    node.split = findGradientSplit(data, node, rules, ws);
    if (node.split.gain > 0) splittable.push(node);
    else finalize(node);
  };

  if (root.end - root.start < 2 * opts.minSamplesLeaf || sumH < opts.minHessianToSplit) finalize(root);
  else evaluate(root);

  while (splittable.length > 0) {
    const node = popLargestGain(splittable);
    const split = node.split!;
    const mid = partitionRows(data, indices, node.start, node.end, split, ws.scratch);
    const threshold = splitThreshold(data, split, 'edge');
    importances[split.feature] += split.gain;
    const depth = node.depth + 1;
    const child = (start: number, end: number, g: number, h: number): GrowingNode => ({
      id: addNode(tree, 0),
      start,
      end,
      depth,
      sumG: g,
      sumH: h,
      value: nodeValue(g, h),
      hist: null,
      split: null,
    });
    const left = child(node.start, mid, split.leftB, split.leftA);
    const right = child(mid, node.end, node.sumG - split.leftB, node.sumH - split.leftA);
    makeSplit(tree, node.id, split, threshold, left.id, right.id);
    tree.value[node.id] = node.value * opts.shrinkage;

    const nLeaves = leaves.length + splittable.length + 2;
    const parentHist = node.hist!;
    node.hist = null;
    if (nLeaves >= opts.maxLeafNodes) {
      releaseHistogram(ws, parentHist);
      finalize(left);
      finalize(right);
      while (splittable.length > 0) finalize(splittable.pop()!);
      break;
    }
    const splitLeft = depth < opts.maxDepth && left.end - left.start >= 2 * opts.minSamplesLeaf;
    const splitRight = depth < opts.maxDepth && right.end - right.start >= 2 * opts.minSamplesLeaf;
    if (!splitLeft && !splitRight) {
      releaseHistogram(ws, parentHist);
      finalize(left);
      finalize(right);
      continue;
    }
    const [small, large] = left.end - left.start < right.end - right.start ? [left, right] : [right, left];
    small.hist = acquireHistogram(ws);
    buildGradientHistogram(data, gradients, hessians, indices, small.start, small.end, small.hist, ws);
    subtractInPlace(parentHist, small.hist);
    large.hist = parentHist;
    if (splitLeft) evaluate(left);
    else finalize(left);
    if (splitRight) evaluate(right);
    else finalize(right);
  }

  for (const leaf of leaves) tree.value[leaf.id] = leaf.value * opts.shrinkage;
  return {
    tree,
    importances,
    leaves: leaves.map((leaf) => ({ start: leaf.start, end: leaf.end, value: leaf.value * opts.shrinkage })),
  };
}

function popLargestGain(nodes: GrowingNode[]): GrowingNode {
  let bestIndex = 0;
  for (let i = 1; i < nodes.length; i++) if (nodes[i].split!.gain > nodes[bestIndex].split!.gain) bestIndex = i;
  const [node] = nodes.splice(bestIndex, 1);
  return node;
}

function subtractInPlace(target: Float64Array, values: Float64Array): void {
  for (let i = 0; i < target.length; i++) target[i] -= values[i];
}

/** Sums (hessian, gradient, count) per (feature, bin) over indices[start, end). */
function buildGradientHistogram(
  data: BinnedMatrix,
  gradients: Float32Array,
  hessians: Float32Array,
  indices: Int32Array,
  start: number,
  end: number,
  hist: Float64Array,
  ws: GradientTreeWorkspace,
): void {
  const { codes, nRows, nFeatures, histOffset } = data;
  const m = end - start;
  // Gather once so the per-feature loops read gradients sequentially.
  const g = ws.orderedGradients;
  const h = ws.orderedHessians;
  for (let k = 0; k < m; k++) {
    const row = indices[start + k];
    g[k] = gradients[row];
    h[k] = hessians[row];
  }
  // Two features per pass over the rows: the row index and gradient loads are shared (~1.5x faster in V8).
  let f = 0;
  for (; f + 1 < nFeatures; f += 2) {
    const offset1 = f * nRows;
    const offset2 = offset1 + nRows;
    const base1 = histOffset[f];
    const base2 = histOffset[f + 1];
    for (let k = 0; k < m; k++) {
      const row = indices[start + k];
      const hk = h[k];
      const gk = g[k];
      const slot1 = base1 + codes[offset1 + row] * STATS_PER_BIN;
      hist[slot1] += hk;
      hist[slot1 + 1] += gk;
      hist[slot1 + 2] += 1;
      const slot2 = base2 + codes[offset2 + row] * STATS_PER_BIN;
      hist[slot2] += hk;
      hist[slot2 + 1] += gk;
      hist[slot2 + 2] += 1;
    }
  }
  if (f < nFeatures) {
    const offset = f * nRows;
    const base = histOffset[f];
    for (let k = 0; k < m; k++) {
      const slot = base + codes[offset + indices[start + k]] * STATS_PER_BIN;
      hist[slot] += h[k];
      hist[slot + 1] += g[k];
      hist[slot + 2] += 1;
    }
  }
}

function findGradientSplit(
  data: BinnedMatrix,
  node: GrowingNode,
  rules: SplitRules,
  ws: GradientTreeWorkspace,
): SplitCandidate {
  const best = noSplit();
  const hist = node.hist!;
  const count = node.end - node.start;
  const total = { a: node.sumH, b: node.sumG, count };
  for (let f = 0; f < data.nFeatures; f++) {
    const nBins = data.nBinsNonMissing[f];
    const base = data.histOffset[f];
    const missingSlot = base + nBins * STATS_PER_BIN;
    // HistGradientBoosting convention: try "NaN left" whenever the feature had NaN anywhere in training.
    if (scanFeature(hist, base, ws.identityBins, nBins, missingSlot, f, total, rules, data.hasMissing[f] === 1, best)) {
      resolveSplitBins(hist, base, nBins, best);
    }
  }
  if (best.feature >= 0 && data.hasMissing[best.feature] === 0) sendNanToLargerChild(best, count);
  return best;
}
