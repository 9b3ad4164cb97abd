/**
 * The loan models' features, column by column: gold as typed columns, the encoder fitted on training rows,
 * and encoding into the classifiers' column matrix. Pure code (it runs on compute threads too); reading
 * gold from Parquet is in gold-columns.ts.
 */
import { median, sortedWithoutNaN } from '../../ml/math.js';
import type { FeatureColumns } from '../../ml/tabular-input.js';
import { GOLD_NUMERIC_FEATURES } from './medallion/schemas.js';

/** A categorical gold column: a code per row into `dictionary` (-1 = missing or empty). */
export interface CategoricalColumn {
  name: string;
  dictionary: string[];
  codes: Int32Array;
}

/** Gold loans as columns, in loan_id order: one typed array per feature, never one object per row. */
export interface GoldColumns {
  nRows: number;
  /** GOLD_NUMERIC_FEATURES in order; NULL (and any non-finite value) is NaN. */
  numeric: Float64Array[];
  /** GOLD_CATEGORICAL_FEATURES in order. */
  categorical: CategoricalColumn[];
  /** 0/1, NaN while the outcome is unknown. */
  label: Float64Array;
  /** Month of snapshot_date (the loan's start) as YYYYMM. */
  snapshotMonth: Int32Array;
}

/**
 * Turns gold rows into the model's numeric matrix. Stored with every loan model, so inference and the
 * predict API encode raw rows exactly as training did.
 */
export interface LoanFeatureEncoder {
  numeric: string[];
  /** One-hot levels seen in training; an unseen or missing category encodes as all zeros. */
  categorical: { name: string; levels: string[] }[];
  /** Encoded column names, in matrix order. */
  featureNames: string[];
  /** Training medians per encoded column: linear models impute missing values with them; trees keep NaN. */
  medians: number[];
}

/** The buffers of gold columns, to move them into a compute thread. */
export function goldBuffers(gold: GoldColumns): ArrayBuffer[] {
  return [
    ...gold.numeric.map((c) => c.buffer as ArrayBuffer),
    ...gold.categorical.map((c) => c.codes.buffer as ArrayBuffer),
    gold.label.buffer as ArrayBuffer,
    gold.snapshotMonth.buffer as ArrayBuffer,
  ];
}

/** All row indices 0 .. n-1. */
export function allRows(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** An all-missing column imputes 0 (median of nothing is NaN). */
function imputationMedian(values: ArrayLike<number>): number {
  const present = sortedWithoutNaN(values);
  return present.length === 0 ? 0 : median(present);
}

/** Fits the encoder on the gold rows `rows` (the training rows): one-hot levels and imputation medians. */
export function fitLoanEncoder(gold: GoldColumns, rows: Int32Array): LoanFeatureEncoder {
  const categorical = gold.categorical.map(({ name, dictionary, codes }) => {
    const seen = new Uint8Array(dictionary.length);
    for (const i of rows) if (codes[i] >= 0) seen[codes[i]] = 1;
    return { name, levels: dictionary.filter((_, code) => seen[code] === 1).sort() };
  });
  const numeric = [...GOLD_NUMERIC_FEATURES];
  const featureNames = [...numeric, ...categorical.flatMap((c) => c.levels.map((level) => `${c.name}=${level}`))];
  const encoder: LoanFeatureEncoder = { numeric, categorical, featureNames, medians: [] };
  encoder.medians = encodeGoldColumns(encoder, gold, rows).columns.map(imputationMedian);
  return encoder;
}

/**
 * Encodes the gold rows `rows` as the model's column matrix: numeric columns as they are (NaN for missing,
 * or the training median if `impute`, for models that cannot take NaN), then one 0/1 column per level.
 */
export function encodeGoldColumns(
  encoder: LoanFeatureEncoder,
  gold: GoldColumns,
  rows: Int32Array,
  impute = false,
): FeatureColumns {
  const n = rows.length;
  const columns: Float64Array[] = [];
  encoder.numeric.forEach((name, j) => {
    const source = gold.numeric[GOLD_NUMERIC_FEATURES.indexOf(name)];
    if (!source) throw new RangeError(`gold has no numeric column ${name}`);
    const fill = encoder.medians[j] ?? 0;
    const out = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const v = source[rows[k]];
      out[k] = Number.isNaN(v) && impute ? fill : v;
    }
    columns.push(out);
  });
  for (const { name, levels } of encoder.categorical) {
    const source = gold.categorical.find((c) => c.name === name);
    for (const level of levels) {
      const out = new Float64Array(n);
      const code = source ? source.dictionary.indexOf(level) : -1;
      if (source && code >= 0) for (let k = 0; k < n; k++) out[k] = source.codes[rows[k]] === code ? 1 : 0;
      columns.push(out);
    }
  }
  return { nRows: n, columns };
}

function toNumber(value: unknown): number {
  if (value === null || value === undefined || value === '') return Number.NaN;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : Number.NaN;
}

/** Encodes raw records (the predict API's applicant rows) as the model's column matrix. */
export function encodeLoanRecords(
  encoder: LoanFeatureEncoder,
  records: Record<string, unknown>[],
  impute = false,
): FeatureColumns {
  // Plain loops, one column at a time: Float64Array.from with a mapping callback is several times slower.
  const n = records.length;
  const columns: Float64Array[] = [];
  encoder.numeric.forEach((name, j) => {
    const fill = encoder.medians[j] ?? 0;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = toNumber(records[i][name]);
      out[i] = Number.isNaN(v) && impute ? fill : v;
    }
    columns.push(out);
  });
  for (const { name, levels } of encoder.categorical) {
    const outs = levels.map(() => new Float64Array(n));
    for (let i = 0; i < n; i++) {
      const level = levels.indexOf(records[i][name] as string);
      if (level >= 0) outs[level][i] = 1;
    }
    columns.push(...outs);
  }
  return { nRows: n, columns };
}
