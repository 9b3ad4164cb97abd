import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  clamp,
  expit,
  labelsAtThreshold,
  log1pExp,
  logSumExp,
  median,
  medianWithoutNaN,
  searchSortedLeft,
  sigmoid,
  sortedWithoutNaN,
} from '../../src/ml/math.js';

void describe('median', () => {
  void it('takes the middle value of an odd count, whatever the input order', () => {
    assert.equal(median([7, 1, 3]), 3);
    assert.equal(median(Float64Array.from([5, -2, 9, 4, 4])), 4);
  });

  void it('averages the two middle values of an even count', () => {
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([10, -10]), 0);
  });

  void it('sorts numerically, not as strings', () => {
    // A default Array sort would order these as 10, 2, 9.
    assert.equal(median([10, 2, 9]), 9);
  });

  void it('is NaN for no values and leaves its input untouched', () => {
    assert.ok(Number.isNaN(median([])));
    const values = [3, 1, 2];
    median(values);
    assert.deepEqual(values, [3, 1, 2]);
  });
});

void describe('medianWithoutNaN', () => {
  void it('equals the sorted median of the values that are not NaN, on ties, runs and one-hot columns', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const shapes: ((i: number, n: number) => number)[] = [
      () => random(),
      () => Math.floor(random() * 4), // many ties
      () => (random() < 0.2 ? 1 : 0), // one-hot
      (i) => i, // sorted
      (i, n) => n - i, // reversed
      () => 5, // constant
      () => (random() < 0.3 ? Number.NaN : random() * 100 - 50),
    ];
    for (const shape of shapes) {
      for (const n of [1, 2, 3, 4, 10, 101, 1000, 1001]) {
        const values = Float64Array.from({ length: n }, (_, i) => shape(i, n));
        const present = values.filter((v) => !Number.isNaN(v));
        const expected = present.length === 0 ? Number.NaN : median(present);
        const copy = values.slice();
        assert.deepEqual(medianWithoutNaN(values), expected, `${shape.toString()} n=${n}`);
        assert.deepEqual(values, copy, 'input untouched');
      }
    }
    assert.ok(Number.isNaN(medianWithoutNaN([Number.NaN, Number.NaN])));
    assert.equal(medianWithoutNaN([Number.NaN, 4, 1, Number.NaN, 3, 2]), 2.5);
  });
});

void describe('clamp', () => {
  void it('keeps values inside the range and moves others to the nearest bound', () => {
    assert.equal(clamp(0.5, 0, 1), 0.5);
    assert.equal(clamp(-3, 0, 1), 0);
    assert.equal(clamp(7, 0, 1), 1);
    assert.equal(clamp(1, 0, 1), 1);
  });

  void it('propagates NaN', () => {
    assert.ok(Number.isNaN(clamp(Number.NaN, 0, 1)));
  });
});

void describe('logSumExp', () => {
  void it('equals log Σ exp for moderate values', () => {
    const values = [0.5, -1, 2];
    const direct = Math.log(values.reduce((sum, v) => sum + Math.exp(v), 0));
    assert.ok(Math.abs(logSumExp(values) - direct) < 1e-15);
  });

  void it('stays finite where exp overflows or underflows', () => {
    // exp(1000) is Infinity, so the naive formula fails; the answer is 1000 + log 2.
    assert.ok(!Number.isFinite(Math.log(Math.exp(1000) + Math.exp(1000))));
    assert.equal(logSumExp([1000, 1000]), 1000 + Math.LN2);
    assert.equal(logSumExp([-1000, -1000]), -1000 + Math.LN2);
    // A term 800 below the largest contributes nothing at double precision.
    assert.equal(logSumExp(Float64Array.from([1e4, 1e4 - 800])), 1e4);
  });

  void it('is -Infinity for no values or only -Infinity', () => {
    assert.equal(logSumExp([]), -Infinity);
    assert.equal(logSumExp([-Infinity, -Infinity]), -Infinity);
    assert.equal(logSumExp([-Infinity, 0]), 0);
  });
});

void describe('logistic functions', () => {
  void it('sigmoid is symmetric: σ(-t) = 1 - σ(t), with σ(0) = 1/2', () => {
    assert.equal(sigmoid(0), 0.5);
    for (const t of [0.1, 1, 2.5, 10, 30]) {
      assert.ok(Math.abs(sigmoid(-t) - (1 - sigmoid(t))) < 1e-15, `t = ${t}`);
    }
  });

  void it('sigmoid stays in (0, 1) and keeps tiny probabilities positive', () => {
    assert.equal(sigmoid(800), 1);
    assert.ok(sigmoid(-700) > 0);
    assert.ok(sigmoid(-700) < 1e-300);
  });

  void it('expit agrees with sigmoid to rounding and matches its defining formula exactly', () => {
    for (const t of [-20, -3.3, -0.7, 0, 0.7, 3.3, 20]) {
      assert.equal(expit(t), 1 / (1 + Math.exp(-t)));
      assert.ok(Math.abs(expit(t) - sigmoid(t)) <= 2 * Number.EPSILON * sigmoid(t), `t = ${t}`);
    }
    // For t >= 0 both use the same expression.
    assert.equal(expit(1.5), sigmoid(1.5));
  });

  void it('log1pExp is log(1 + e^t) without overflow', () => {
    assert.equal(log1pExp(0), Math.LN2);
    assert.ok(Math.abs(log1pExp(1) - Math.log(1 + Math.E)) < 1e-15);
    assert.equal(log1pExp(1000), 1000);
    assert.ok(log1pExp(-50) > 0 && Math.abs(log1pExp(-50) - Math.exp(-50)) < 1e-35);
  });
});

void describe('labelsAtThreshold', () => {
  void it('labels probabilities at or above the threshold positive (the boundary is inclusive)', () => {
    assert.deepEqual(labelsAtThreshold([0.2, 0.5, 0.49999, 0.9], 0.5), Uint8Array.from([0, 1, 0, 1]));
    assert.deepEqual(labelsAtThreshold(Float64Array.from([0.3, 0.3]), 0.3), Uint8Array.from([1, 1]));
  });

  void it('returns an empty array for no probabilities', () => {
    assert.deepEqual(labelsAtThreshold([], 0.5), new Uint8Array(0));
  });
});

void describe('sorted-array helpers', () => {
  void it('sortedWithoutNaN drops NaN and sorts numerically', () => {
    assert.deepEqual(sortedWithoutNaN([3, Number.NaN, -1, 10, 2]), Float64Array.from([-1, 2, 3, 10]));
  });

  void it('searchSortedLeft counts the values strictly below the target (numpy side="left")', () => {
    const edges = [1, 2, 2, 5];
    assert.equal(searchSortedLeft(edges, 0), 0);
    assert.equal(searchSortedLeft(edges, 1), 0);
    assert.equal(searchSortedLeft(edges, 2), 1);
    assert.equal(searchSortedLeft(edges, 3), 3);
    assert.equal(searchSortedLeft(edges, 5), 3);
    assert.equal(searchSortedLeft(edges, 6), 4);
    assert.equal(searchSortedLeft([], 1), 0);
  });
});
