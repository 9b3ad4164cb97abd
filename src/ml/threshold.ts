/**
 * The precision–recall break-even threshold on (held-out) scores: the cut where precision and recall are
 * closest (ties: the higher F1). Rows with score >= threshold are predicted positive. Equal scores are
 * decided together, as any threshold must treat them alike.
 */
export function breakEvenThreshold(
  yTrue: ArrayLike<number>,
  score: ArrayLike<number>,
): { threshold: number; precision: number; recall: number } {
  const n = score.length;
  if (n !== yTrue.length) throw new RangeError(`breakEvenThreshold: ${yTrue.length} labels, ${n} scores`);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b] - score[a]);
  let positives = 0;
  for (let i = 0; i < n; i++) positives += yTrue[i] === 1 ? 1 : 0;
  const fallback = { threshold: 0.5, precision: 0, recall: 0 };
  if (positives === 0) return fallback;
  let best = fallback;
  let bestGap = Infinity;
  let bestF1 = -1;
  let tp = 0;
  let predicted = 0;
  for (let i = 0; i < n;) {
    const value = score[order[i]];
    // Take every row with this score before evaluating the cut just below it.
    while (i < n && score[order[i]] === value) {
      tp += yTrue[order[i]] === 1 ? 1 : 0;
      predicted++;
      i++;
    }
    const precision = tp / predicted;
    const recall = tp / positives;
    const gap = Math.abs(precision - recall);
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    if (gap < bestGap - 1e-12 || (Math.abs(gap - bestGap) <= 1e-12 && f1 > bestF1)) {
      best = { threshold: value, precision, recall };
      bestGap = gap;
      bestF1 = f1;
    }
  }
  return best;
}
