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

/** Column-major features: one Float64Array per feature, each `nRows` long (NaN marks a missing value). */
export interface FeatureColumns {
  readonly nRows: number;
  readonly columns: readonly Float64Array[];
}

/** What the classifiers take: rows, or columns (no per-row objects, and the layout the fits work on). */
export type FeatureMatrix = FeatureRows | FeatureColumns;

/** Called by a fit after each unit of work (a tree, a boosting round, a Newton step) so a caller can report it. */
export type FitProgress = (done: number, total: number) => void;

export function isFeatureColumns(X: FeatureMatrix): X is FeatureColumns {
  return !Array.isArray(X) && 'columns' in X;
}

export function rowCount(X: FeatureMatrix): number {
  return isFeatureColumns(X) ? X.nRows : X.length;
}

/** Fit input: validated columns (rows are transposed; columns are checked in place, never copied). */
export function fitColumns(X: FeatureMatrix, expectedFeatures?: number): Float64Array[] {
  if (!isFeatureColumns(X)) return toColumns(X, expectedFeatures);
  if (X.nRows === 0) throw new RangeError('feature matrix has no rows');
  if (expectedFeatures !== undefined && X.columns.length !== expectedFeatures) {
    throw new RangeError(`expected ${expectedFeatures} features, got ${X.columns.length}`);
  }
  X.columns.forEach((column, f) => {
    if (column.length !== X.nRows) throw new RangeError(`feature ${f} has ${column.length} rows, expected ${X.nRows}`);
    for (let i = 0; i < column.length; i++) {
      const x = column[i];
      if (x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY) {
        throw new RangeError(`infinite value at row ${i}, feature ${f}`);
      }
    }
  });
  return [...X.columns];
}

/** Prediction input as columns with the model's width (rows are transposed; values are not checked). */
export function predictColumns(X: FeatureMatrix, nFeatures: number): FeatureColumns {
  if (isFeatureColumns(X)) {
    if (X.columns.length !== nFeatures) {
      throw new RangeError(`input has ${X.columns.length} features, model expects ${nFeatures}`);
    }
    return X;
  }
  assertRowWidths(X, nFeatures);
  const columns = Array.from({ length: nFeatures }, () => new Float64Array(X.length));
  for (let i = 0; i < X.length; i++) {
    const row = X[i];
    for (let f = 0; f < nFeatures; f++) columns[f][i] = row[f];
  }
  return { nRows: X.length, columns };
}

/** The rows `indices` (in that order) of a column matrix, as a new column matrix. */
export function takeRows(X: FeatureColumns, indices: ArrayLike<number>): FeatureColumns {
  return { nRows: indices.length, columns: X.columns.map((column) => takeValues(column, indices)) };
}

/** values[indices[k]] for each k, as a Float64Array. */
export function takeValues(values: ArrayLike<number>, indices: ArrayLike<number>): Float64Array {
  const out = new Float64Array(indices.length);
  for (let k = 0; k < indices.length; k++) out[k] = values[indices[k]];
  return out;
}
