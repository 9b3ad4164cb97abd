/** Summaries of repeated measurements. The median is src/ml's own, so bench and library agree on it. */
export { median } from '../../src/ml/math.js';

/** The integers from..to, both included. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Each distinct value with how often it occurs, most frequent first (ties in order of first appearance). */
export function tally(values: readonly string[]): [value: string, count: number][] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}

/** The most frequent value ('' for none). */
export function mostCommon(values: readonly string[]): string {
  return tally(values)[0]?.[0] ?? '';
}
