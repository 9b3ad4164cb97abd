/** Quantile binning of feature columns into Uint8 codes (≤ 255 bins + NaN), as sklearn's _BinMapper does. */
import { searchSortedLeft, sortedWithoutNaN } from './math.js';
import { takeValues } from './tabular-input.js';

/** Default (and largest) number of non-missing bins per feature. */
export const DEFAULT_MAX_BINS = 255;
/** Same clip sklearn applies to bin thresholds (LightGBM's AvoidInf). */
const ALMOST_INF = 1e300;
/** Doubles per histogram bin: sumA, sumB, count. */
export const STATS_PER_BIN = 3;
/** Upper bound on codes per feature (255 non-missing bins + NaN). */
export const BIN_SLOTS = 256;

/** Pre-binned training matrix: computed once per fit, shared by every tree. */
export interface BinnedMatrix {
  nRows: number;
  nFeatures: number;
  /**
   * Column-major bin codes: codes[f * nRows + i]. Non-missing values get 0 .. nBinsNonMissing[f] - 1 and NaN gets
   * nBinsNonMissing[f] (sklearn uses 255 for NaN; a per-feature code keeps histograms compact for low-cardinality
   * features, which cuts histogram clearing, subtraction and scanning for one-hot columns).
   */
  codes: Uint8Array;
  /** Start of each feature's (nBinsNonMissing[f] + 1) slots in a full-width histogram, in doubles. */
  histOffset: Int32Array;
  /** Doubles in a full-width histogram (all features). */
  histSize: number;
  /** Per feature, ascending: value x maps to bin b iff thresholds[b-1] < x <= thresholds[b]. */
  thresholds: Float64Array[];
  /** Smallest / largest training value in each bin (for midpoint thresholds like exact CART). */
  binMin: Float64Array[];
  binMax: Float64Array[];
  nBinsNonMissing: Int32Array;
  hasMissing: Uint8Array;
}

/**
 * Bin thresholds for one feature exactly like sklearn's `_find_binning_thresholds`: midpoints between distinct
 * values when there are ≤ maxBins of them, otherwise percentiles (numpy 'averaged_inverted_cdf'), deduplicated.
 */
export function findBinThresholds(values: ArrayLike<number>, maxBins = DEFAULT_MAX_BINS): Float64Array {
  // Most loan columns hold a few distinct values (one-hot levels, counts): those need no sort of every row.
  const distinct = fewDistinctValues(values, maxBins);
  let thresholds: Float64Array;
  if (distinct) {
    if (distinct.length <= 1) return new Float64Array(0);
    thresholds = new Float64Array(distinct.length - 1);
    for (let i = 0; i < thresholds.length; i++) thresholds[i] = (distinct[i] + distinct[i + 1]) / 2;
  } else {
    const sorted = sortedWithoutNaN(values);
    thresholds = new Float64Array(maxBins - 1);
    const step = 100 / maxBins; // np.linspace(0, 100, maxBins + 1)
    for (let k = 1; k < maxBins; k++) thresholds[k - 1] = averagedInvertedCdf(sorted, (k * step) / 100);
    thresholds = thresholds.filter((v, i) => i === 0 || v !== thresholds[i - 1]);
  }
  return thresholds.map((t) => Math.min(t, ALMOST_INF));
}

/**
 * The distinct non-NaN values, ascending, if there are at most `limit` of them (-0 and 0 are one value, as the
 * sorted path's `!==` has them); undefined as soon as there are more.
 */
function fewDistinctValues(values: ArrayLike<number>, limit: number): Float64Array | undefined {
  const seen = new Set<number>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v || seen.has(v)) continue;
    seen.add(v);
    if (seen.size > limit) return undefined;
  }
  return Float64Array.from(seen).sort();
}

/** numpy.quantile(sorted, q, method='averaged_inverted_cdf'), replicating numpy's float arithmetic. */
function averagedInvertedCdf(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  const virtualIndex = n * q - 1;
  let previous = Math.floor(virtualIndex);
  let next = previous + 1;
  if (virtualIndex >= n - 1) previous = next = n - 1;
  else if (virtualIndex < 0) previous = next = 0;
  const gamma = virtualIndex - Math.floor(virtualIndex) === 0 ? 0.5 : 1;
  const a = sorted[previous];
  const b = sorted[next];
  // numpy's _lerp: b - (b - a) * (1 - t) when t >= 0.5
  return b - (b - a) * (1 - gamma);
}

/**
 * Bins every feature column once (the expensive preprocessing step shared by all trees). With `rows`, bins only
 * those rows of each column, in that order: the same codes as binning a copy of them, without the copy of the
 * whole matrix (boosting's training rows beside its early-stopping rows: 47 MB at 10× the CS611 data).
 */
export function binColumns(
  columns: readonly Float64Array[],
  maxBins = DEFAULT_MAX_BINS,
  rows?: ArrayLike<number>,
): BinnedMatrix {
  if (!Number.isInteger(maxBins) || maxBins < 2 || maxBins > 255) {
    throw new RangeError(`maxBins must be an integer in [2, 255], got ${maxBins}`);
  }
  const nFeatures = columns.length;
  const nRows = rows ? rows.length : nFeatures > 0 ? columns[0].length : 0;
  const codes = new Uint8Array(nFeatures * nRows);
  const thresholds: Float64Array[] = [];
  const binMin: Float64Array[] = [];
  const binMax: Float64Array[] = [];
  const nBinsNonMissing = new Int32Array(nFeatures);
  const hasMissing = new Uint8Array(nFeatures);
  for (let f = 0; f < nFeatures; f++) {
    const column = rows ? takeValues(columns[f], rows) : columns[f];
    const featureThresholds = findBinThresholds(column, maxBins);
    const nb = featureThresholds.length + 1;
    const lows = new Float64Array(nb).fill(Number.POSITIVE_INFINITY);
    const highs = new Float64Array(nb).fill(Number.NEGATIVE_INFINITY);
    const offset = f * nRows;
    for (let i = 0; i < nRows; i++) {
      const x = column[i];
      if (Number.isNaN(x)) {
        codes[offset + i] = nb;
        hasMissing[f] = 1;
        continue;
      }
      // Bin code of a non-missing value: the number of thresholds strictly below it.
      const b = searchSortedLeft(featureThresholds, x);
      codes[offset + i] = b;
      if (x < lows[b]) lows[b] = x;
      if (x > highs[b]) highs[b] = x;
    }
    thresholds.push(featureThresholds);
    binMin.push(lows);
    binMax.push(highs);
    nBinsNonMissing[f] = nb;
  }
  const histOffset = new Int32Array(nFeatures);
  let histSize = 0;
  for (let f = 0; f < nFeatures; f++) {
    histOffset[f] = histSize;
    histSize += (nBinsNonMissing[f] + 1) * STATS_PER_BIN;
  }
  return {
    nRows,
    nFeatures,
    codes,
    histOffset,
    histSize,
    thresholds,
    binMin,
    binMax,
    nBinsNonMissing,
    hasMissing,
  };
}
