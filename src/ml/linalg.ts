/** Linear algebra on small dense row-major matrices: rows ↔ buffer, Cholesky factor and solve, eigenpair. */

/** Row-major dense matrix: element (i, j) is data[i * cols + j]. */
export interface DenseMatrix {
  data: Float64Array;
  rows: number;
  cols: number;
}

/** Copies rows of finite numbers into a dense matrix; `caller` names the public function in error messages. */
export function toDenseMatrix(rows: number[][], caller: string): DenseMatrix {
  const cols = rows.length > 0 ? rows[0].length : 0;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, i) => {
    if (row.length !== cols) throw new RangeError(`${caller}: row ${i} has ${row.length} values, expected ${cols}`);
    for (let j = 0; j < cols; j += 1) {
      if (!Number.isFinite(row[j])) throw new RangeError(`${caller}: row ${i} has a non-finite value`);
      data[i * cols + j] = row[j];
    }
  });
  return { data, rows: rows.length, cols };
}

/** A rows × cols row-major buffer as nested arrays (JSON-friendly). */
export function toRows(data: Float64Array, rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols)));
}

/**
 * Lower Cholesky factor L with L·Lᵀ = a (row-major n × n, only its lower triangle is read), or null when a is not
 * positive definite. The upper triangle of L is zero.
 */
export function choleskyLower(a: ArrayLike<number>, n: number): Float64Array | null {
  const lower = new Float64Array(n * n);
  for (let r = 0; r < n; r += 1) {
    for (let c = 0; c <= r; c += 1) {
      let sum = a[r * n + c];
      for (let j = 0; j < c; j += 1) sum -= lower[r * n + j] * lower[c * n + j];
      if (r === c) {
        // `!(sum > 0)` also rejects NaN.
        if (!(sum > 0)) return null;
        lower[r * n + r] = Math.sqrt(sum);
      } else lower[r * n + c] = sum / lower[c * n + c];
    }
  }
  return lower;
}

/** Solves L·Lᵀ·x = b given the Cholesky factor L (lower triangle of `lower`): forward then back substitution. */
export function choleskySolve(lower: ArrayLike<number>, n: number, b: ArrayLike<number>): Float64Array {
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++) x[i] -= lower[i * n + k] * x[k];
    x[i] /= lower[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) x[i] -= lower[k * n + i] * x[k];
    x[i] /= lower[i * n + i];
  }
  return x;
}

/** Inverse of a lower-triangular matrix (also lower-triangular), by forward substitution on the identity. */
export function invertLowerTriangular(lower: ArrayLike<number>, n: number): Float64Array {
  const inverse = new Float64Array(n * n);
  for (let col = 0; col < n; col += 1) {
    for (let r = col; r < n; r += 1) {
      let sum = r === col ? 1 : 0;
      for (let j = col; j < r; j += 1) sum -= lower[r * n + j] * inverse[j * n + col];
      inverse[r * n + col] = sum / lower[r * n + r];
    }
  }
  return inverse;
}

/** Largest eigenvalue and its unit eigenvector of a symmetric positive definite n × n matrix (power iteration). */
export function largestEigenpair(matrix: ArrayLike<number>, n: number): { value: number; vector: Float64Array } {
  let vector = new Float64Array(n).fill(1 / Math.sqrt(n));
  let value = 0;
  for (let iteration = 0; iteration < 100; iteration += 1) {
    const next = new Float64Array(n);
    for (let a = 0; a < n; a += 1) for (let b = 0; b < n; b += 1) next[a] += matrix[a * n + b] * vector[b];
    const norm = Math.hypot(...next);
    if (!(norm > 0)) break;
    const converged = Math.abs(norm - value) <= 1e-12 * norm;
    value = norm;
    vector = next.map((x) => x / norm);
    if (converged) break;
  }
  return { value, vector };
}
