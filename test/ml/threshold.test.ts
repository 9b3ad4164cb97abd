import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { precision, recall } from '../../src/ml/metrics.js';
import { breakEvenThreshold } from '../../src/ml/threshold.js';

/** Brute force: try every distinct score as the threshold and keep the smallest |precision − recall|. */
function bruteForceGap(y: number[], s: number[]): number {
  let best = Infinity;
  for (const t of new Set(s)) {
    const predicted = s.map((v) => (v >= t ? 1 : 0));
    best = Math.min(best, Math.abs(precision(y, predicted) - recall(y, predicted)));
  }
  return best;
}

describe('breakEvenThreshold', () => {
  it('finds the cut where precision and recall are closest, as brute force does, with ties', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let trial = 0; trial < 20; trial++) {
      const y = Array.from({ length: 60 }, () => (next() < 0.3 ? 1 : 0));
      if (!y.includes(1)) continue;
      // Rounded scores create ties; a real signal makes positives score higher on average.
      const s = y.map((label) => Math.round((next() * 0.7 + label * 0.3) * 20) / 20);
      const result = breakEvenThreshold(y, s);
      const predicted = s.map((v) => (v >= result.threshold ? 1 : 0));
      assert.ok(Math.abs(result.precision - precision(y, predicted)) < 1e-12);
      assert.ok(Math.abs(result.recall - recall(y, predicted)) < 1e-12);
      assert.ok(Math.abs(Math.abs(result.precision - result.recall) - bruteForceGap(y, s)) < 1e-12);
    }
  });

  it('puts the cut between perfectly separated classes', () => {
    assert.deepEqual(breakEvenThreshold([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]), {
      threshold: 0.8,
      precision: 1,
      recall: 1,
    });
  });

  it('falls back to 0.5 when there is no positive', () => {
    assert.deepEqual(breakEvenThreshold([0, 0], [0.3, 0.4]), { threshold: 0.5, precision: 0, recall: 0 });
  });
});
