/**
 * Min-max scaling to [0, 1] per column, matching scikit-learn's MinMaxScaler (feature_range=(0, 1)).
 */

export interface MinMaxScaler {
  min: number[];
  max: number[];
}

// scikit-learn treats a range below 10 * machine epsilon as constant and uses scale 1, so the column maps to 0.
const CONSTANT_RANGE = 10 * Number.EPSILON;

export function fitMinMaxScaler(rows: number[][]): MinMaxScaler {
  if (rows.length === 0) throw new RangeError('fitMinMaxScaler: need at least one row');
  const width = rows[0].length;
  const min = new Array<number>(width).fill(Infinity);
  const max = new Array<number>(width).fill(-Infinity);
  rows.forEach((row, rowIndex) => {
    assertRow(row, width, rowIndex, 'fitMinMaxScaler');
    for (let j = 0; j < width; j += 1) {
      if (row[j] < min[j]) min[j] = row[j];
      if (row[j] > max[j]) max[j] = row[j];
    }
  });
  return { min, max };
}

export function transformMinMax(scaler: MinMaxScaler, rows: number[][]): number[][] {
  const { scale, offset } = linearMap(scaler);
  return rows.map((row, rowIndex) => {
    assertRow(row, scale.length, rowIndex, 'transformMinMax');
    // Same arithmetic as scikit-learn (x * scale + offset), so results agree to the last bit.
    return row.map((value, j) => value * scale[j] + offset[j]);
  });
}

export function inverseTransformMinMax(scaler: MinMaxScaler, rows: number[][]): number[][] {
  const { scale, offset } = linearMap(scaler);
  return rows.map((row, rowIndex) => {
    assertRow(row, scale.length, rowIndex, 'inverseTransformMinMax');
    return row.map((value, j) => (value - offset[j]) / scale[j]);
  });
}

function linearMap(scaler: MinMaxScaler): { scale: number[]; offset: number[] } {
  if (scaler.min.length !== scaler.max.length) throw new RangeError('MinMaxScaler: min and max differ in length');
  const scale = scaler.min.map((low, j) => {
    const range = scaler.max[j] - low;
    return range < CONSTANT_RANGE ? 1 : 1 / range;
  });
  const offset = scaler.min.map((low, j) => 0 - low * scale[j]);
  return { scale, offset };
}

function assertRow(row: number[], width: number, rowIndex: number, caller: string): void {
  if (row.length !== width) {
    throw new RangeError(`${caller}: row ${rowIndex} has ${row.length} values, expected ${width}`);
  }
  for (const value of row) {
    if (!Number.isFinite(value)) throw new RangeError(`${caller}: row ${rowIndex} has a non-finite value`);
  }
}
