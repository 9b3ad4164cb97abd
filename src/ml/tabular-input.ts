/** Validation of tabular model input: feature rows (NaN marks a missing value) to columns, row widths, 0/1 labels. */

/** Rows of numeric features: number[][] or Float64Array[]; NaN marks a missing value. */
export type FeatureRows = ReadonlyArray<ArrayLike<number>>;

/** Validates a feature matrix and returns it column-major; rejects ±Infinity (NaN is allowed as missing). */
export function toColumns(X: FeatureRows, expectedFeatures?: number): Float64Array[] {
  const nRows = X.length;
  if (nRows === 0) throw new RangeError('feature matrix has no rows');
  const nFeatures = X[0].length;
  if (expectedFeatures !== undefined && nFeatures !== expectedFeatures) {
    throw new RangeError(`expected ${expectedFeatures} features, got ${nFeatures}`);
  }
  const columns = Array.from({ length: nFeatures }, () => new Float64Array(nRows));
  for (let i = 0; i < nRows; i++) {
    const row = X[i];
    if (row.length !== nFeatures) throw new RangeError(`row ${i} has ${row.length} features, expected ${nFeatures}`);
    for (let f = 0; f < nFeatures; f++) {
      const x = row[f];
      if (x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY) {
        throw new RangeError(`infinite value at row ${i}, feature ${f}`);
      }
      columns[f][i] = x;
    }
  }
  return columns;
}

/** Throws unless every row has exactly `nFeatures` values (a short row would silently route to the right). */
export function assertRowWidths(X: FeatureRows, nFeatures: number): void {
  for (let i = 0; i < X.length; i++) {
    if (X[i].length !== nFeatures)
      throw new RangeError(`row ${i} has ${X[i].length} features, model expects ${nFeatures}`);
  }
}

/** Validates 0/1 labels and copies them into a Float64Array. */
export function toBinaryLabels(y: ArrayLike<number>, nRows: number): Float64Array {
  if (y.length !== nRows) throw new RangeError(`label count ${y.length} does not match row count ${nRows}`);
  const labels = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) {
    const v = y[i];
    if (v !== 0 && v !== 1) throw new RangeError(`labels must be 0 or 1, got ${v} at row ${i}`);
    labels[i] = v;
  }
  return labels;
}
