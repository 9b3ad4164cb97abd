/**
 * Histogram-based CART shared by the random forest (gini, depth-first) and gradient boosting
 * (gradient/hessian gain, best-first with max leaf nodes), in the style of LightGBM / sklearn's HistGradientBoosting:
 *
 * - Each feature is binned once into ≤ 255 quantile bins exactly like sklearn's _BinMapper (Uint8 codes,
 *   column-major); NaN gets its own bin, and splits learn which side NaN goes to when training had missing values.
 * - Split search scans per-bin sums (A, B, count) instead of sorting: A/B are (weight, weighted positives) for gini
 *   and (hessian, gradient) for boosting.
 * - Trees are stored as flat JSON-friendly arrays with raw-value thresholds (`x <= threshold` goes left), so
 *   prediction needs neither the binner nor the training data.
 *
 * This module is the public entry; the code lives in tabular-input, tree-binning, tree-arrays, tree-split-search,
 * classification-tree (random forest) and gradient-tree (boosting).
 */

export { assertRowWidths, toBinaryLabels, toColumns, type FeatureRows } from './tabular-input.js';
export { binColumns, DEFAULT_MAX_BINS, findBinThresholds, type BinnedMatrix } from './tree-binning.js';
export {
  accumulateTreePredictions,
  countLeaves,
  emptyTree,
  leafIndex,
  predictTreeRow,
  SPLIT_ON_NAN_THRESHOLD,
  treeDepth,
  type GrownTree,
  type TreeArrays,
} from './tree-arrays.js';
export type { SplitCriterion } from './tree-split-search.js';
export {
  createClassificationWorkspace,
  fitClassificationTree,
  growClassificationTree,
  type ClassificationTreeOptions,
  type ClassificationTreeParams,
  type ClassificationTreeWorkspace,
} from './classification-tree.js';
export {
  createGradientWorkspace,
  growGradientTree,
  type GradientTreeOptions,
  type GradientTreeWorkspace,
  type GrownGradientTree,
  type LeafSegment,
} from './gradient-tree.js';
