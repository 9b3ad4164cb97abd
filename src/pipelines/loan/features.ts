/**
 * The loan models' features, column by column: gold as typed columns, the encoder fitted on training rows,
 * and encoding into the classifiers' column matrix. Pure code (it runs on compute threads too); reading
 * gold from Parquet is in gold-columns.ts.
 */
import { medianWithoutNaN } from '../../ml/math.js';
import type { FeatureColumns } from '../../ml/tabular-input.js';
import type { ScoringInput } from '../scoring-input.js';
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
  const value = medianWithoutNaN(values);
  return Number.isNaN(value) ? 0 : value;
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
  // One column at a time: the whole matrix, only for its medians, was a second training matrix at once.
  encoder.medians = encodedColumnBuilders(encoder, gold, false).map((build) => imputationMedian(build(rows)));
  return encoder;
}

/** One builder per column of the model's matrix, in its order: each fills a new column for `rows`. */
function encodedColumnBuilders(
  encoder: LoanFeatureEncoder,
  gold: GoldColumns,
  impute: boolean,
): ((rows: Int32Array) => Float64Array)[] {
  const numeric = encoder.numeric.map((name, j) => {
    const source = gold.numeric[GOLD_NUMERIC_FEATURES.indexOf(name)];
    if (!source) throw new RangeError(`gold has no numeric column ${name}`);
    const fill = encoder.medians[j] ?? 0;
    return (rows: Int32Array) => {
      const out = new Float64Array(rows.length);
      for (let k = 0; k < rows.length; k++) {
        const v = source[rows[k]];
        out[k] = Number.isNaN(v) && impute ? fill : v;
      }
      return out;
    };
  });
  const oneHot = encoder.categorical.flatMap(({ name, levels }) => {
    const source = gold.categorical.find((c) => c.name === name);
    return levels.map((level) => {
      const code = source ? source.dictionary.indexOf(level) : -1;
      return (rows: Int32Array) => {
        const out = new Float64Array(rows.length);
        if (source && code >= 0) for (let k = 0; k < rows.length; k++) out[k] = source.codes[rows[k]] === code ? 1 : 0;
        return out;
      };
    });
  });
  return [...numeric, ...oneHot];
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
  return { nRows: rows.length, columns: encodedColumnBuilders(encoder, gold, impute).map((build) => build(rows)) };
}

/** Encoded raw records, and which of the encoder's inputs each record lacks. */
export interface EncodedRecords {
  x: FeatureColumns;
  /** `absent[j * nRows + i]` is 1 when input j (numeric inputs, then categorical) of record i has no value. */
  absent: Uint8Array;
  /** How many inputs each record lacks. */
  absentCounts: Uint16Array;
}

/** A string as a number: null when it holds no value, NaN when it is no number. */
export type ReadNumberText = (text: string, row: number, name: string) => number | null;

const readPlainNumber: ReadNumberText = (text) => (text.trim() === '' ? null : Number(text));

/**
 * Encodes raw records (the predict API's applicant rows or columns) as the model's column matrix, in one pass
 * per input column (the passes stay monomorphic; a pass per row reading 50 names is several times slower).
 * Undefined, null and strings `readText` reads as null are absent; a value that is no finite number encodes as
 * NaN (the median with `impute`).
 */
export function encodeLoanRecords(
  encoder: LoanFeatureEncoder,
  input: ScoringInput,
  impute = false,
  readText: ReadNumberText = readPlainNumber,
): EncodedRecords {
  const n = input.nRows;
  const absent = new Uint8Array((encoder.numeric.length + encoder.categorical.length) * n);
  const absentCounts = new Uint16Array(n);
  const markAllAbsent = (base: number) => {
    absent.fill(1, base, base + n);
    for (let i = 0; i < n; i++) absentCounts[i]++;
  };
  const columns: Float64Array[] = [];
  encoder.numeric.forEach((name, j) => {
    const fill = impute ? (encoder.medians[j] ?? 0) : Number.NaN;
    const out = new Float64Array(n);
    const base = j * n;
    const values = input.column(name);
    if (values === undefined) {
      markAllAbsent(base);
      out.fill(fill);
    } else {
      for (let i = 0; i < n; i++) {
        const value = values[i];
        let number: number | null;
        if (typeof value === 'number') number = value;
        else if (value === undefined || value === null) number = null;
        else if (typeof value === 'string') number = readText(value, i, name);
        else number = Number(value);
        if (number === null) {
          absent[base + i] = 1;
          absentCounts[i]++;
          out[i] = fill;
        } else {
          out[i] = Number.isFinite(number) ? number : fill;
        }
      }
    }
    columns.push(out);
  });
  encoder.categorical.forEach(({ name, levels }, c) => {
    const outs = levels.map(() => new Float64Array(n));
    const base = (encoder.numeric.length + c) * n;
    const values = input.column(name);
    if (values === undefined) markAllAbsent(base);
    else {
      for (let i = 0; i < n; i++) {
        const value = values[i];
        if (value === undefined || value === null) {
          absent[base + i] = 1;
          absentCounts[i]++;
          continue;
        }
        const level = levels.indexOf(value as string);
        if (level >= 0) outs[level][i] = 1;
      }
    }
    columns.push(...outs);
  });
  return { x: { nRows: n, columns }, absent, absentCounts };
}
