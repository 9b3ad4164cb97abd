/**
 * Kneedle (Satopää et al. 2011) as the Python `kneed` package (0.9) computes it in
 * KneeLocator(x, y, S, curve, direction, interp_method='interp1d', online):
 * 1. normalise x and y to [0, 1] (interp1d leaves y as given);
 * 2. turn the curve into a concave increasing one (flip and/or mirror), mirroring x too where y was flipped;
 * 3. difference curve = y - x;
 * 4. local maxima / minima of the difference curve (scipy argrelextrema with >= / <=, ends included);
 * 5. each maximum's threshold = its value - S · mean x step;
 * 6. walk the curve from the first maximum: a point whose successor drops below the current threshold is a
 *    knee (reported at the maximum that set the threshold); a local minimum suspends detection until the next
 *    maximum. Offline returns the first knee, online the last.
 */

export type KneeCurve = 'convex' | 'concave';
export type KneeDirection = 'increasing' | 'decreasing';

export interface KneedleOptions {
  /** Sensitivity: how far below a local maximum the difference curve must fall. Default 1. */
  S?: number;
  /** 'convex' finds elbows (e.g. an SSE or BIC curve). Default 'convex'. */
  curve?: KneeCurve;
  /** Default 'decreasing'. */
  direction?: KneeDirection;
  /** false (default): the first knee found; true: keep walking and return the last one. */
  online?: boolean;
}

export interface KneedleResult {
  /** The x value at the knee, or null when there is none. */
  knee: number | null;
  /** The difference curve (kneed's y_difference); empty when x or y is constant and cannot be normalised. */
  normalizedDifference: number[];
}

export function findKnee(x: number[], y: number[], opts: KneedleOptions = {}): KneedleResult {
  const sensitivity = opts.S ?? 1;
  const curve = opts.curve ?? 'convex';
  const direction = opts.direction ?? 'decreasing';
  if (x.length !== y.length) throw new RangeError(`findKnee: x has ${x.length} values, y has ${y.length}`);
  if (![...x, ...y].every(Number.isFinite)) throw new RangeError('findKnee: x and y must be finite numbers');
  const xNormalized = normalizeToUnit(x);
  const yNormalized = normalizeToUnit(y);
  if (xNormalized === null || yNormalized === null) return { knee: null, normalizedDifference: [] };

  const yConcave = toConcaveIncreasing(yNormalized, curve, direction);
  // Reversing y by index mirrors the curve only for evenly spaced x; kneed mirrors x by value as well.
  const reversed = (curve === 'concave') === (direction === 'decreasing');
  const xConcave = reversed ? xNormalized.map((value) => 1 - value).reverse() : xNormalized;
  const difference = yConcave.map((value, i) => value - xConcave[i]);

  const maxima = relativeExtrema(difference, (a, b) => a >= b);
  if (maxima.length === 0) return { knee: null, normalizedDifference: difference };
  const minima = new Set(relativeExtrema(difference, (a, b) => a <= b));
  const drop = sensitivity * Math.abs(meanStep(xConcave));
  const thresholdAt = new Map(maxima.map((index) => [index, difference[index] - drop]));

  // x of the knee found at difference-curve index i, undoing the reversal of step 2.
  const kneeX = (i: number): number => (reversed ? x[x.length - 1 - i] : x[i]);
  let knee: number | null = null;
  let threshold = 0;
  let thresholdIndex = maxima[0];
  let detecting = true;
  for (let i = maxima[0]; i < difference.length - 1; i += 1) {
    const maximumThreshold = thresholdAt.get(i);
    if (maximumThreshold !== undefined) {
      threshold = maximumThreshold;
      thresholdIndex = i;
      detecting = true;
    }
    if (minima.has(i)) {
      threshold = 0;
      detecting = false;
    }
    if (detecting && difference[i + 1] < threshold) {
      knee = kneeX(thresholdIndex);
      if (!opts.online) break;
    }
  }
  return { knee, normalizedDifference: difference };
}

/** (v - min) / (max - min), or null for a constant (or empty) series. */
function normalizeToUnit(values: number[]): number[] | null {
  if (values.length === 0) return null;
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  const range = max - min;
  return range > 0 ? values.map((value) => (value - min) / range) : null;
}

/** kneed's transform_y: elbows become knees and decreasing curves increasing ones. */
function toConcaveIncreasing(y: number[], curve: KneeCurve, direction: KneeDirection): number[] {
  const max = Math.max(...y);
  if (direction === 'decreasing') return curve === 'concave' ? [...y].reverse() : y.map((value) => max - value);
  return curve === 'convex' ? y.map((value) => max - value).reverse() : y;
}

/**
 * Indices i with compare(v[i], v[i-1]) and compare(v[i], v[i+1]), where a missing neighbour at either end is the
 * value itself (scipy.signal.argrelextrema with order=1, mode='clip').
 */
function relativeExtrema(values: number[], compare: (a: number, b: number) => boolean): number[] {
  const last = values.length - 1;
  const indices: number[] = [];
  values.forEach((value, i) => {
    if (compare(value, values[Math.max(i - 1, 0)]) && compare(value, values[Math.min(i + 1, last)])) indices.push(i);
  });
  return indices;
}

/** numpy.diff(values).mean(): the average step between consecutive values. */
function meanStep(values: number[]): number {
  let sum = 0;
  for (let i = 1; i < values.length; i += 1) sum += values[i] - values[i - 1];
  return sum / (values.length - 1);
}
