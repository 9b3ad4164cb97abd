/**
 * Population Stability Index (PSI) for feature / score drift:
 *   PSI = Σ_bins (actual% − expected%) · ln(actual% / expected%)
 * Bin edges come from the expected (reference, usually training) sample. Proportions are floored at a small
 * epsilon so empty bins give a large-but-finite contribution instead of ±Infinity.
 * Rule of thumb (PSI_BANDS): < 0.1 stable, 0.1–0.25 moderate shift, ≥ 0.25 significant shift.
 */
import { searchSortedLeft, sortedWithoutNaN } from './math.js';

export type PsiBinStrategy = 'quantile' | 'uniform';

export interface PsiOptions {
  /** Number of bins requested (default 10); duplicate quantile edges are merged, so there may be fewer. */
  bins?: number;
  strategy?: PsiBinStrategy;
  /** Floor applied to proportions before the log (default 1e-4). */
  epsilon?: number;
}

/**
 * Compact, JSON-safe training reference for a numeric feature: store it with the model and compare later
 * without the raw training rows. `edges` are the interior cut points (ascending, finite); bin j holds
 * edges[j-1] < x <= edges[j], with open-ended first and last bins, so expectedPct.length === edges.length + 1.
 */
export interface PsiReference {
  edges: number[];
  expectedPct: number[];
  /** Share of NaN values in the reference sample (treated as an extra bin); omitted or 0 if none. */
  missingPct?: number;
}

export interface PsiBin {
  lower: number;
  upper: number;
  expectedPct: number;
  actualPct: number;
}

export interface PsiResult {
  psi: number;
  /** Unfloored proportions per bin; lower/upper are ±Infinity for the open-ended outer bins. */
  bins: PsiBin[];
  /** Present when either sample has NaN values. */
  missing?: { expectedPct: number; actualPct: number };
}

export interface CategoricalPsiReference {
  categories: string[];
  expectedPct: number[];
}

export interface CategoricalPsiResult {
  psi: number;
  categories: { category: string; expectedPct: number; actualPct: number }[];
}

export type PsiSeverity = 'stable' | 'moderate' | 'significant';

const DEFAULT_EPSILON = 1e-4;

/**
 * The industry-standard PSI cut-offs: below `moderate` the distribution is stable, from `moderate` it is a moderate
 * shift, from `significant` a significant one (each cut-off belongs to the higher band).
 */
export const PSI_BANDS = { moderate: 0.1, significant: 0.25 } as const;

/** Interprets a PSI value with the PSI_BANDS cut-offs. */
export function psiSeverity(psi: number): PsiSeverity {
  if (psi < PSI_BANDS.moderate) return 'stable';
  if (psi < PSI_BANDS.significant) return 'moderate';
  return 'significant';
}

/** Sum of (a − e)·ln(a/e) with both proportions floored at epsilon. */
function psiTerms(expectedPct: ArrayLike<number>, actualPct: ArrayLike<number>, epsilon: number): number {
  let psi = 0;
  for (let i = 0; i < expectedPct.length; i++) {
    const e = Math.max(expectedPct[i], epsilon);
    const a = Math.max(actualPct[i], epsilon);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

/** numpy's default ('linear') quantile of an ascending-sorted array. */
function linearQuantile(sorted: Float64Array, q: number): number {
  const position = q * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const frac = position - lo;
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

function uniqueAscending(values: number[]): number[] {
  return values.filter((v, i) => i === 0 || v !== values[i - 1]);
}

/** Interior edges for `bins` bins: quantiles of the reference (np.quantile, linear) or equal-width. */
function interiorEdges(sorted: Float64Array, bins: number, strategy: PsiBinStrategy): number[] {
  const min = sorted[0];
  const max = sorted[sorted.length - 1];
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    edges.push(strategy === 'quantile' ? linearQuantile(sorted, k / bins) : min + ((max - min) * k) / bins);
  }
  return uniqueAscending(edges);
}

interface BinnedShares {
  binPct: Float64Array;
  missingPct: number;
}

function binShares(edges: ArrayLike<number>, sample: ArrayLike<number>): BinnedShares {
  const counts = new Float64Array(edges.length + 1);
  let missing = 0;
  for (let i = 0; i < sample.length; i++) {
    const x = sample[i];
    if (Number.isNaN(x)) missing++;
    // Bins are right-closed: x's bin is the number of edges strictly below it.
    else counts[searchSortedLeft(edges, x)]++;
  }
  const n = sample.length;
  return { binPct: counts.map((c) => c / n), missingPct: missing / n };
}

/** Builds a stored reference (edges + proportions) from a reference sample, e.g. a training feature column. */
export function buildPsiReference(
  sample: ArrayLike<number>,
  bins = 10,
  strategy: PsiBinStrategy = 'quantile',
): PsiReference {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer, got ${bins}`);
  if (sample.length === 0) throw new RangeError('buildPsiReference: empty reference sample');
  const sorted = sortedWithoutNaN(sample);
  for (const x of sorted) if (!Number.isFinite(x)) throw new RangeError('buildPsiReference: infinite value in sample');
  const edges = sorted.length > 0 ? interiorEdges(sorted, bins, strategy) : [];
  const { binPct, missingPct } = binShares(edges, sample);
  const reference: PsiReference = { edges, expectedPct: Array.from(binPct) };
  if (missingPct > 0) reference.missingPct = missingPct;
  return reference;
}

/** PSI of an actual sample against a stored reference. */
export function psiFromReference(
  reference: PsiReference,
  actual: ArrayLike<number>,
  opts: { epsilon?: number } = {},
): PsiResult {
  const { edges, expectedPct } = reference;
  if (expectedPct.length !== edges.length + 1) {
    throw new RangeError(`psiFromReference: expectedPct must have edges.length + 1 = ${edges.length + 1} entries`);
  }
  if (actual.length === 0) throw new RangeError('psiFromReference: empty actual sample');
  const epsilon = opts.epsilon ?? DEFAULT_EPSILON;
  const { binPct, missingPct } = binShares(edges, actual);
  const expectedMissing = reference.missingPct ?? 0;
  const hasMissing = expectedMissing > 0 || missingPct > 0;
  let psi = psiTerms(expectedPct, binPct, epsilon);
  if (hasMissing) psi += psiTerms([expectedMissing], [missingPct], epsilon);
  const bins: PsiBin[] = expectedPct.map((e, j) => ({
    lower: j === 0 ? Number.NEGATIVE_INFINITY : edges[j - 1],
    upper: j === edges.length ? Number.POSITIVE_INFINITY : edges[j],
    expectedPct: e,
    actualPct: binPct[j],
  }));
  const result: PsiResult = { psi, bins };
  if (hasMissing) result.missing = { expectedPct: expectedMissing, actualPct: missingPct };
  return result;
}

/** PSI between two raw numeric samples; bins come from `expected`. NaN values form their own bin. */
export function psiFromSamples(
  expected: ArrayLike<number>,
  actual: ArrayLike<number>,
  opts: PsiOptions = {},
): PsiResult {
  const reference = buildPsiReference(expected, opts.bins ?? 10, opts.strategy ?? 'quantile');
  return psiFromReference(reference, actual, { epsilon: opts.epsilon });
}

/** Category proportions of a reference sample, categories sorted for a stable stored form. */
export function buildCategoricalPsiReference(sample: readonly string[]): CategoricalPsiReference {
  if (sample.length === 0) throw new RangeError('buildCategoricalPsiReference: empty reference sample');
  const counts = countCategories(sample);
  const categories = [...counts.keys()].sort();
  return { categories, expectedPct: categories.map((c) => (counts.get(c) ?? 0) / sample.length) };
}

function countCategories(sample: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of sample) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/** PSI of categorical values against a stored reference; unseen categories count against an expected 0. */
export function psiCategoricalFromReference(
  reference: CategoricalPsiReference,
  actual: readonly string[],
  opts: { epsilon?: number } = {},
): CategoricalPsiResult {
  if (actual.length === 0) throw new RangeError('psiCategorical: empty actual sample');
  const epsilon = opts.epsilon ?? DEFAULT_EPSILON;
  const actualCounts = countCategories(actual);
  const expectedByCategory = new Map(reference.categories.map((c, i) => [c, reference.expectedPct[i]] as const));
  const unseen = [...actualCounts.keys()].filter((c) => !expectedByCategory.has(c)).sort();
  const categories = [...reference.categories, ...unseen].map((category) => ({
    category,
    expectedPct: expectedByCategory.get(category) ?? 0,
    actualPct: (actualCounts.get(category) ?? 0) / actual.length,
  }));
  const psi = psiTerms(
    categories.map((c) => c.expectedPct),
    categories.map((c) => c.actualPct),
    epsilon,
  );
  return { psi, categories };
}

/** PSI between two categorical samples over the union of their categories. */
export function psiCategorical(
  expected: readonly string[],
  actual: readonly string[],
  opts: { epsilon?: number } = {},
): CategoricalPsiResult {
  return psiCategoricalFromReference(buildCategoricalPsiReference(expected), actual, opts);
}
