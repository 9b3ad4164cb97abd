/**
 * Seeded generator of loan-default sample data shaped like the CS611 course CSVs: same four files,
 * same headers and column order, same number formats (Python-style floats such as `11.0`), and the
 * same kinds of dirt (ages like `40_` or `-500`, Occupation `_______`, Credit_Mix `_`, garbage SSNs,
 * `__10000__` placeholders, `!@9#%8` behaviours, absurd outliers...).
 *
 * Defaults are drawn from a logistic model of the (clean) features (Credit_Mix, Interest_Rate,
 * Outstanding_Debt, Num_Credit_Card, Delay_from_due_date, Num_of_Delayed_Payment, Age, savings ratio and
 * clickstream engagement via fe_10), so a model trained on the gold layer learns something real.
 *
 * `driftFromMonth`: customers whose loan starts from that month on are riskier across the bureau
 * features, get +5 points of interest and more debt, and save less; clickstream fe_2/fe_10 shift up
 * from that month on; and their defaults depend less on what the features show (interest rates stop
 * carrying information, a hidden factor takes over part of the risk). A model trained before the
 * drift month then sees a shifted score distribution (PSI well above 0.2) and a lower AUC.
 * Customers before the drift month are byte-identical with and without the option.
 */
import { join } from 'node:path';
import type { UniformRng } from '../ml/random.js';
import { DataValidationError } from '../failures.js';
import {
  ATTRIBUTES_COLUMNS,
  CLICKSTREAM_COLUMNS,
  FINANCIALS_COLUMNS,
  LMS_COLUMNS,
  RAW_TABLES,
  type LoanRawTable,
} from '../pipelines/loan/medallion/schemas.js';
import { writeCsvAtomic } from './csv.js';
import { clickstreamRows, sortByMonthThenCustomer } from './loan/clickstream.js';
import { drawProfiles } from './loan/default-model.js';
import { attributesRow, financialsRow } from './loan/feature-rows.js';
import { monthIndexOf } from './loan/format.js';
import { lmsRows } from './loan/lms.js';
import type { DriftSettings, Profile } from './loan/profile.js';
import { STREAM, streamFor } from './loan/streams.js';

export interface LoanSampleOptions {
  seed?: number;
  /** Number of customers (= loans); default 2000. */
  customers?: number;
  /** 'YYYY-MM-01': rows from this snapshot month on have shifted distributions and a weaker signal. */
  driftFromMonth?: string;
  /** 0..~2, default 1: how far features shift and how much of the signal is lost after the drift month. */
  driftStrength?: number;
}

export interface LoanSampleResult {
  files: Record<LoanRawTable, string>;
  rows: Record<LoanRawTable, number>;
}

function resolveOptions(opts: LoanSampleOptions): { seed: number; customers: number; drift: DriftSettings } {
  const seed = opts.seed ?? 42;
  const customers = opts.customers ?? 2000;
  if (!Number.isInteger(customers) || customers < 1) {
    throw new DataValidationError(`customers must be a positive integer, got ${customers}`, { column: 'customers' });
  }
  const strength = opts.driftStrength ?? 1;
  if (!(strength >= 0 && strength <= 3)) {
    throw new DataValidationError(`driftStrength must be within 0..3, got ${strength}`, { column: 'driftStrength' });
  }
  const fromMonth = opts.driftFromMonth === undefined ? Number.POSITIVE_INFINITY : monthIndexOf(opts.driftFromMonth);
  return { seed, customers, drift: { fromMonth, strength } };
}

/** Writes the four raw CSVs into `dir` (created if needed); same seed and options → same bytes. */
export async function writeLoanSampleData(dir: string, opts: LoanSampleOptions = {}): Promise<LoanSampleResult> {
  const { seed, customers, drift } = resolveOptions(opts);
  const profiles = drawProfiles(seed, customers, drift);
  // Each table draws from its own section of the seed space, one stream per customer.
  const rowsOf = (section: number, build: (rng: UniformRng, p: Profile) => string[][]): string[][] =>
    profiles.flatMap((p, i) => build(streamFor(seed, section, i), p));
  const tables: Record<LoanRawTable, { header: readonly string[]; rows: string[][] }> = {
    features_attributes: {
      header: ATTRIBUTES_COLUMNS,
      rows: rowsOf(STREAM.attributes, (rng, p) => [attributesRow(rng, p)]),
    },
    features_financials: {
      header: FINANCIALS_COLUMNS,
      rows: rowsOf(STREAM.financials, (rng, p) => [financialsRow(rng, p)]),
    },
    feature_clickstream: {
      header: CLICKSTREAM_COLUMNS,
      rows: sortByMonthThenCustomer(rowsOf(STREAM.clickstream, (rng, p) => clickstreamRows(rng, p, drift))),
    },
    lms_loan_daily: { header: LMS_COLUMNS, rows: rowsOf(STREAM.lms, lmsRows) },
  };

  const files = {} as Record<LoanRawTable, string>;
  const rows = {} as Record<LoanRawTable, number>;
  for (const [table, content] of Object.entries(tables) as [LoanRawTable, (typeof tables)[LoanRawTable]][]) {
    const path = join(dir, RAW_TABLES[table].file);
    await writeCsvAtomic(path, content.header, content.rows);
    files[table] = path;
    rows[table] = content.rows.length;
  }
  return { files, rows };
}
