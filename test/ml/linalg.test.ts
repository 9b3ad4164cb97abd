import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  choleskyLower,
  choleskySolve,
  invertLowerTriangular,
  largestEigenpair,
  toDenseMatrix,
  toRows,
} from '../../src/ml/linalg.js';

// A = L·Lᵀ with L = [[2, 0, 0], [1, 3, 0], [-1, 1, 2]]; every step of the factorisation is exact in floating point.
const A = Float64Array.from([4, 2, -2, 2, 10, 2, -2, 2, 6]);
const L = Float64Array.from([2, 0, 0, 1, 3, 0, -1, 1, 2]);

void describe('choleskyLower', () => {
  void it('factorises a small SPD matrix into the hand-computed lower factor', () => {
    assert.deepEqual(choleskyLower(A, 3), L);
  });

  void it('reads only the lower triangle', () => {
    const upperGarbage = Float64Array.from([4, 99, -99, 2, 10, 7, -2, 2, 6]);
    assert.deepEqual(choleskyLower(upperGarbage, 3), L);
  });

  void it('returns null for matrices that are not positive definite', () => {
    // Symmetric but indefinite (eigenvalues 3 and -1).
    assert.equal(choleskyLower([1, 2, 2, 1], 2), null);
    // Positive semi-definite only (singular).
    assert.equal(choleskyLower([1, 1, 1, 1], 2), null);
    assert.equal(choleskyLower([-1], 1), null);
    assert.equal(choleskyLower([Number.NaN], 1), null);
  });
});

void describe('choleskySolve', () => {
  void it('solves A·x = b from the factor (hand-computed: x = [1, -1, 2] for b = [-2, -4, 8])', () => {
    assert.deepEqual(choleskySolve(L, 3, [-2, -4, 8]), Float64Array.from([1, -1, 2]));
  });

  void it('does not modify the right-hand side', () => {
    const b = Float64Array.from([-2, -4, 8]);
    choleskySolve(L, 3, b);
    assert.deepEqual(b, Float64Array.from([-2, -4, 8]));
  });
});

void describe('invertLowerTriangular', () => {
  void it('gives a lower-triangular inverse: L·L⁻¹ = I', () => {
    const inverse = invertLowerTriangular(L, 3);
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let j = 0; j < 3; j++) sum += L[r * 3 + j] * inverse[j * 3 + c];
        assert.ok(Math.abs(sum - (r === c ? 1 : 0)) < 1e-15, `(${r}, ${c}) = ${sum}`);
        if (c > r) assert.equal(inverse[r * 3 + c], 0);
      }
    }
    assert.deepEqual(Array.from(inverse.filter((_, i) => i % 4 === 0)), [0.5, 1 / 3, 0.5]);
  });
});

void describe('largestEigenpair', () => {
  void it('finds the largest eigenvalue and a unit eigenvector of an SPD matrix', () => {
    // [[4, 1], [1, 3]] has eigenvalues (7 ± √5) / 2.
    const { value, vector } = largestEigenpair([4, 1, 1, 3], 2);
    assert.ok(Math.abs(value - (7 + Math.sqrt(5)) / 2) < 1e-9, `value ${value}`);
    assert.ok(Math.abs(Math.hypot(...vector) - 1) < 1e-12);
    assert.ok(Math.abs(4 * vector[0] + vector[1] - value * vector[0]) < 1e-6);
    assert.ok(Math.abs(vector[0] + 3 * vector[1] - value * vector[1]) < 1e-6);
  });
});

void describe('toDenseMatrix / toRows', () => {
  void it('round-trips rows through a row-major buffer', () => {
    const rows = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    const matrix = toDenseMatrix(rows, 'test');
    assert.deepEqual(matrix, { data: Float64Array.from([1, 2, 3, 4, 5, 6]), rows: 2, cols: 3 });
    assert.deepEqual(toRows(matrix.data, 2, 3), rows);
  });

  void it('rejects ragged rows and non-finite values, naming the caller', () => {
    assert.throws(() => toDenseMatrix([[1, 2], [3]], 'fitThing'), /fitThing: row 1 has 1 values, expected 2/);
    assert.throws(() => toDenseMatrix([[1, Number.NaN]], 'fitThing'), /fitThing: row 0 has a non-finite value/);
  });
});
