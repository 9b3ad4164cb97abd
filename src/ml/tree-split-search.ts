/** Best-split search on per-bin histograms (gini or gradient gain), raw-value thresholds and row partitioning. */
import { SPLIT_ON_NAN_THRESHOLD } from './tree-arrays.js';
import { STATS_PER_BIN, type BinnedMatrix } from './tree-binning.js';

export type SplitCriterion = 'gini' | 'gradient';

export interface SplitRules {
  criterion: SplitCriterion;
  minSamplesLeaf: number;
  /** Minimum hessian sum per child (boosting only; sklearn's min_hessian_to_split). */
  minHessian: number;
  l2: number;
}

export interface SplitCandidate {
  gain: number;
  feature: number;
  /** Last populated non-missing bin going left (-1 if only NaN goes left); codes <= bin go left. */
  bin: number;
  /** First populated non-missing bin going right (nBinsNonMissing if only NaN goes right). */
  nextBin: number;
  /** Bin whose upper threshold sklearn's HistGradientBoosting reports for this split. */
  edgeBin: number;
  nanGoesLeft: boolean;
  leftA: number;
  leftB: number;
  leftCount: number;
}

export function noSplit(): SplitCandidate {
  return {
    gain: Number.NEGATIVE_INFINITY,
    feature: -1,
    bin: -1,
    nextBin: -1,
    edgeBin: -1,
    nanGoesLeft: false,
    leftA: 0,
    leftB: 0,
    leftCount: 0,
  };
}

/**
 * "Goodness" of a child so that gain = score(left) − score(parent) + score(right):
 * gini → Σ_k n_k²/n (weighted; n·(1 − gini)), gradient → −G·value with value = −G/(H + λ), written like sklearn.
 */
function childScore(gini: boolean, a: number, b: number, l2: number): number {
  if (gini) return a > 0 ? (b * b + (a - b) * (a - b)) / a : 0;
  return -(b * (-b / (a + l2 + 1e-15)));
}

/** Gain of splitting a parent (score `parentScore`) into children with statistics (leftA, leftB), (rightA, rightB). */
function splitGain(
  gini: boolean,
  leftA: number,
  leftB: number,
  rightA: number,
  rightB: number,
  l2: number,
  parentScore: number,
): number {
  return childScore(gini, leftA, leftB, l2) - parentScore + childScore(gini, rightA, rightB, l2);
}

export interface NodeTotals {
  a: number;
  b: number;
  count: number;
}

// Verdicts of checkLeafMinimums. A scan grows one side bin by bin while the other side shrinks.
const ADMISSIBLE = 0;
/** The growing side is still below a minimum: a later bin may fix that, so keep scanning. */
const GROWING_SIDE_TOO_SMALL = 1;
/** The shrinking side is below a minimum: no later bin can fix that, so end the scan. */
const SHRINKING_SIDE_TOO_SMALL = 2;

/**
 * Checks the leaf minimums (rows; for boosting also the hessian sum) of a candidate whose growing side holds
 * `growingCount` rows and statistic `growingA`. Both scan directions use it: left grows in pass 0, right in pass 1.
 */
function checkLeafMinimums(
  growingCount: number,
  growingA: number,
  total: NodeTotals,
  rules: SplitRules,
  gini: boolean,
): number {
  if (growingCount < rules.minSamplesLeaf) return GROWING_SIDE_TOO_SMALL;
  if (total.count - growingCount < rules.minSamplesLeaf) return SHRINKING_SIDE_TOO_SMALL;
  if (!gini) {
    if (growingA < rules.minHessian) return GROWING_SIDE_TOO_SMALL;
    if (total.a - growingA < rules.minHessian) return SHRINKING_SIDE_TOO_SMALL;
  }
  return ADMISSIBLE;
}

/**
 * Scans one feature's histogram for the best split, updating `best` in place when strictly better. `bins` lists the
 * candidate non-missing bins in ascending order (all bins for big nodes, only populated ones for small nodes).
 * Like sklearn: a left-to-right pass sends NaN right (and may put every non-missing bin left, i.e. split on NaN);
 * if `scanNanLeft`, a right-to-left pass sends NaN left. Returns true if this feature improved `best`.
 */
export function scanFeature(
  hist: Float64Array,
  base: number,
  bins: Int32Array,
  nListed: number,
  missingSlot: number,
  feature: number,
  total: NodeTotals,
  rules: SplitRules,
  scanNanLeft: boolean,
  best: SplitCandidate,
): boolean {
  const gini = rules.criterion === 'gini';
  const { l2 } = rules;
  const totalA = total.a;
  const totalB = total.b;
  const parentScore = childScore(gini, totalA, totalB, l2);
  const missingCount = hist[missingSlot + 2];
  let improved = false;

  // Pass 0: left accumulates bins[0..j]; NaN goes right.
  let a = 0;
  let b = 0;
  let count = 0;
  const lastIndex = missingCount > 0 ? nListed : nListed - 1;
  for (let j = 0; j < lastIndex; j++) {
    const slot = base + bins[j] * STATS_PER_BIN;
    const binCount = hist[slot + 2];
    // An empty bin leaves the partition unchanged, so it cannot beat the candidate already evaluated.
    if (binCount === 0) continue;
    a += hist[slot];
    b += hist[slot + 1];
    count += binCount;
    const verdict = checkLeafMinimums(count, a, total, rules, gini);
    if (verdict === GROWING_SIDE_TOO_SMALL) continue;
    if (verdict === SHRINKING_SIDE_TOO_SMALL) break;
    const gain = splitGain(gini, a, b, totalA - a, totalB - b, l2, parentScore);
    if (gain > best.gain) {
      improved = true;
      best.gain = gain;
      best.feature = feature;
      best.bin = bins[j];
      best.edgeBin = bins[j];
      best.nextBin = -1; // resolved later
      best.nanGoesLeft = false;
      best.leftA = a;
      best.leftB = b;
      best.leftCount = count;
    }
  }
  if (!scanNanLeft) return improved;

  // Pass 1: right accumulates bins[j..]; left = everything else including NaN (sklearn's right-to-left scan).
  // Left keeps at least one populated non-missing bin: "only NaN left" is the same partition as pass 0's split on NaN.
  let firstPopulated = 0;
  while (firstPopulated < nListed && hist[base + bins[firstPopulated] * STATS_PER_BIN + 2] === 0) firstPopulated++;
  let rightA = 0;
  let rightB = 0;
  let rightCount = 0;
  for (let j = nListed - 1; j > firstPopulated; j--) {
    const slot = base + bins[j] * STATS_PER_BIN;
    const binCount = hist[slot + 2];
    if (binCount === 0) continue;
    rightA += hist[slot];
    rightB += hist[slot + 1];
    rightCount += binCount;
    const verdict = checkLeafMinimums(rightCount, rightA, total, rules, gini);
    if (verdict === GROWING_SIDE_TOO_SMALL) continue;
    if (verdict === SHRINKING_SIDE_TOO_SMALL) break;
    const leftA = totalA - rightA;
    const leftB = totalB - rightB;
    const gain = splitGain(gini, leftA, leftB, rightA, rightB, l2, parentScore);
    if (gain > best.gain) {
      improved = true;
      best.gain = gain;
      best.feature = feature;
      best.bin = -2; // resolved later
      best.edgeBin = bins[j] - 1;
      best.nextBin = bins[j];
      best.nanGoesLeft = true;
      best.leftA = leftA;
      best.leftB = leftB;
      best.leftCount = total.count - rightCount;
    }
  }
  return improved;
}

/** Fills in whichever of bin / nextBin the scan left unresolved, by looking for populated neighbouring bins. */
export function resolveSplitBins(hist: Float64Array, base: number, nBins: number, split: SplitCandidate): void {
  if (split.nextBin < 0) {
    let next = split.bin + 1;
    while (next < nBins && hist[base + next * STATS_PER_BIN + 2] === 0) next++;
    split.nextBin = next;
  }
  if (split.bin === -2) {
    let previous = split.nextBin - 1;
    while (previous >= 0 && hist[base + previous * STATS_PER_BIN + 2] === 0) previous--;
    split.bin = previous;
  }
}

/**
 * Raw-value threshold for a split. 'edge' uses the bin's upper threshold (sklearn HistGradientBoosting);
 * 'midpoint' uses the midpoint between the largest left and smallest right training value, like exact CART.
 */
export function splitThreshold(data: BinnedMatrix, split: SplitCandidate, mode: 'edge' | 'midpoint'): number {
  const f = split.feature;
  const nBins = data.nBinsNonMissing[f];
  if (mode === 'edge') return split.edgeBin >= nBins - 1 ? SPLIT_ON_NAN_THRESHOLD : data.thresholds[f][split.edgeBin];
  if (split.nextBin >= nBins) return SPLIT_ON_NAN_THRESHOLD; // every non-missing value goes left
  if (split.bin < 0) return -SPLIT_ON_NAN_THRESHOLD; // only NaN goes left
  const lower = data.binMax[f][split.bin];
  const upper = data.binMin[f][split.nextBin];
  const mid = lower / 2 + upper / 2; // same expression as sklearn's splitter
  return mid === upper || !Number.isFinite(mid) ? lower : mid;
}

/** Stable in-place partition of indices[start, end) by a split; returns the first index of the right child. */
export function partitionRows(
  data: BinnedMatrix,
  indices: Int32Array,
  start: number,
  end: number,
  split: SplitCandidate,
  scratch: Int32Array,
): number {
  const offset = split.feature * data.nRows;
  const { codes } = data;
  const missingCode = data.nBinsNonMissing[split.feature];
  const bin = split.bin;
  const nanLeft = split.nanGoesLeft;
  let writeLeft = start;
  let nRight = 0;
  for (let k = start; k < end; k++) {
    const row = indices[k];
    const code = codes[offset + row];
    const goLeft = code === missingCode ? nanLeft : code <= bin;
    if (goLeft) indices[writeLeft++] = row;
    else scratch[nRight++] = row;
  }
  indices.set(scratch.subarray(0, nRight), writeLeft);
  return writeLeft;
}

/** NaN goes to the child with more rows when training gave no NaN to learn from (sklearn's convention). */
export function sendNanToLargerChild(split: SplitCandidate, nodeCount: number): void {
  split.nanGoesLeft = split.leftCount > nodeCount - split.leftCount;
}
