/** Small numeric helpers shared across src/ml: logistic functions, log-sum-exp, median, clamp, sorted search. */

/** Logistic function 1 / (1 + e^−t), in the two-branch form whose intermediate e^(−|t|) never overflows. */
export function sigmoid(t: number): number {
  if (t >= 0) return 1 / (1 + Math.exp(-t));
  const e = Math.exp(t);
  return e / (1 + e);
}

/**
 * Logistic function in scipy's `expit` form 1 / (1 + e^−t), as sklearn's gradient boosting evaluates it. For t < 0
 * it can differ from `sigmoid` in the last bit; fitted boosting probabilities are pinned to these bits.
 */
export function expit(t: number): number {
  return 1 / (1 + Math.exp(-t));
}

/** log(1 + e^t) (softplus) without overflow: the log-loss term of a logit. */
export function log1pExp(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

/** log Σ exp(values), shifted by the largest value so that large inputs neither overflow nor underflow. */
export function logSumExp(values: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  // No values, or all -Infinity: the sum is 0.
  if (max === -Infinity) return max;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.exp(values[i] - max);
  return max + Math.log(sum);
}

/**
 * Median of NaN-free values (the mean of the two middle values for an even count). NaN for no values: an empty
 * sample has no median, so a caller that needs a fallback (e.g. 0 for an all-missing column) applies its own.
 */
export function median(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN;
  // A typed array sorts numerically without a comparator call per pair (several times faster).
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The median of the values that are not NaN (NaN when none is), by selection rather than a sort: linear time.
 * The loan encoder takes one per encoded column of the training rows; two sorts each cost it about 0.1 s a fit.
 */
export function medianWithoutNaN(values: ArrayLike<number>): number {
  const present = withoutNaN(values);
  const n = present.length;
  if (n === 0) return Number.NaN;
  const k = n >> 1;
  selectInPlace(present, k);
  if (n % 2 === 1) return present[k];
  // After the selection everything before k is at most present[k]: the lower middle is their largest.
  let lower = present[0];
  for (let i = 1; i < k; i++) if (present[i] > lower) lower = present[i];
  return (lower + present[k]) / 2;
}

function withoutNaN(values: ArrayLike<number>): Float64Array {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) count++;
  const out = new Float64Array(count);
  let k = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) out[k++] = values[i];
  return out;
}

/** Hoare's selection: reorders `a` so that a[k] is its k-th smallest, nothing before it larger, nothing after smaller. */
function selectInPlace(a: Float64Array, k: number): void {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    // Median of three as the pivot keeps sorted and constant runs (one-hot columns) from going quadratic.
    const x = a[lo];
    const y = a[(lo + hi) >> 1];
    const z = a[hi];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return; // a[j+1 .. i-1] all equal the pivot
  }
}

/** x limited to [lo, hi]; NaN stays NaN. */
export function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/** 0/1 labels from probabilities; `proba >= threshold` is positive, like sklearn's FixedThresholdClassifier. */
export function labelsAtThreshold(proba: ArrayLike<number>, threshold: number): Uint8Array {
  const labels = new Uint8Array(proba.length);
  for (let i = 0; i < proba.length; i++) labels[i] = proba[i] >= threshold ? 1 : 0;
  return labels;
}

/** Ascending copy of the values without NaN. */
export function sortedWithoutNaN(values: ArrayLike<number>): Float64Array {
  return withoutNaN(values).sort();
}

/**
 * numpy.searchsorted(sorted, target, side='left'): the number of values strictly below `target`, which is also the
 * index of the right-closed bin (edges[j-1] < x <= edges[j]) holding it. `sorted` ascending, `target` not NaN.
 */
export function searchSortedLeft(sorted: ArrayLike<number>, target: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid] < target) low = mid + 1;
    else high = mid;
  }
  return low;
}
