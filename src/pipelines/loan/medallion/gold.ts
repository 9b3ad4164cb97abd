/**
 * Gold: one row per loan, as known on its application date (loan_start_date), with the label from the
 * label store. No look-ahead: attributes/financials come from the latest snapshot on or before the loan
 * start and clickstream aggregates only use snapshots on or before it.
 *
 * DTI is Total_EMI_per_month / Monthly_Inhand_Salary (monthly debt service over monthly income);
 * Debt_to_Annual_Income is Outstanding_Debt / Annual_Income (stock of debt over yearly income).
 */
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  atomicWriteParquet,
  isDuckDbOutOfMemory,
  jsonText,
  sqlString,
  withDuckDb,
  type DuckDBConnection,
} from '../../../storage/duckdb.js';
import { tempSiblingPath } from '../../../storage/atomic-file.js';
import { DataValidationError } from '../../../failures.js';
import { silverTablePath } from './silver.js';
import {
  CLICKSTREAM_FEATURES,
  GOLD_CATEGORICAL_FEATURES,
  GOLD_NUMERIC_FEATURES,
  GOLD_PATHS,
  SILVER_PATHS,
  type GoldNumericFeature,
} from './schemas.js';

export interface BuildGoldInput {
  silverDir: string;
  goldDir: string;
}

export interface GoldResult {
  rows: number;
  positives: number;
  /** Numeric then categorical feature names (GOLD_NUMERIC_FEATURES, GOLD_CATEGORICAL_FEATURES). */
  features: string[];
  path: string;
  /** Range of snapshot_date (= loan_start_date, the application date), 'YYYY-MM-DD'. */
  snapshotRange: { min: string; max: string };
  /** Customers dropped because the quality gate excluded them. */
  excludedCustomers: number;
}

export interface BuildGoldForMonthInput {
  silverDir: string;
  goldDir: string;
  /** 'YYYY-MM' or 'YYYY-MM-01': loans starting in this month. */
  snapshotMonth: string;
}

export interface GoldMonthResult {
  snapshotMonth: string;
  rows: number;
  /** Rows whose label is already known (loan reached mob 6), and how many of those defaulted. */
  labeled: number;
  positives: number;
  path: string;
}

/** Derived ratios; NULLIF avoids division by zero (the result is then NULL, i.e. missing). */
const DERIVED_FEATURE_SQL: Partial<Record<GoldNumericFeature, string>> = {
  Savings_Ratio: 'f.Amount_invested_monthly / NULLIF(f.Monthly_Inhand_Salary, 0)',
  DTI: 'f.Total_EMI_per_month / NULLIF(f.Monthly_Inhand_Salary, 0)',
  Debt_to_Annual_Income: 'f.Outstanding_Debt / NULLIF(f.Annual_Income, 0)',
  Loan_to_Annual_Income: 'l.loan_amt / NULLIF(f.Annual_Income, 0)',
  clickstream_months: 'coalesce(c.clickstream_months, 0)',
  loan_amt: 'l.loan_amt',
  tenure: 'l.tenure',
  Age: 'a.Age',
};

function numericFeatureSql(feature: GoldNumericFeature): string {
  const source = DERIVED_FEATURE_SQL[feature] ?? (feature.startsWith('fe_') ? `c."${feature}"` : `f."${feature}"`);
  return `CAST(${source} AS DOUBLE) AS "${feature}"`;
}

const CATEGORICAL_SOURCE: Record<(typeof GOLD_CATEGORICAL_FEATURES)[number], string> = {
  Credit_Mix: 'f.Credit_Mix',
  Occupation: 'a.Occupation',
  Payment_of_Min_Amount: 'f.Payment_of_Min_Amount',
  Payment_Behaviour: 'f.Payment_Behaviour',
};

/** Files gold reads; all must exist (the quality gate's output included, so it cannot be skipped). */
function goldInputs(silverDir: string) {
  return {
    attributes: silverTablePath(silverDir, 'features_attributes'),
    financials: silverTablePath(silverDir, 'features_financials'),
    clickstream: silverTablePath(silverDir, 'feature_clickstream'),
    lms: silverTablePath(silverDir, 'lms_loan_daily'),
    labels: join(silverDir, SILVER_PATHS.labelStore),
    excluded: join(silverDir, SILVER_PATHS.excludedCustomers),
  };
}

async function openGoldInputs(conn: DuckDBConnection, silverDir: string): Promise<void> {
  const inputs = goldInputs(silverDir);
  for (const [name, path] of Object.entries(inputs)) {
    if (!(await stat(path).catch(() => undefined))?.isFile()) {
      const hint = name === 'excluded' ? 'run runQualityChecks first' : 'run buildSilver first';
      throw new DataValidationError(`Gold input ${name} is missing: ${hint}`, { file: name });
    }
  }
  const source = (path: string) => `read_parquet(${sqlString(path)})`;
  // The as-of joins need non-NULL keys; rows without them were already counted by the quality gate.
  for (const name of ['attributes', 'financials', 'clickstream'] as const) {
    await conn.run(
      `CREATE VIEW ${name} AS SELECT * FROM ${source(inputs[name])} WHERE Customer_ID IS NOT NULL AND snapshot_date IS NOT NULL`,
    );
  }
  await conn.run(`CREATE VIEW lms AS SELECT * FROM ${source(inputs.lms)}`);
  await conn.run(`CREATE VIEW labels AS SELECT * FROM ${source(inputs.labels)}`);
  await conn.run(`CREATE VIEW excluded AS SELECT Customer_ID FROM ${source(inputs.excluded)}`);
}

/** One row per loan of non-excluded customers (optionally only loans starting in one month). */
async function createLoans(conn: DuckDBConnection, monthStart?: string): Promise<void> {
  const inMonth = monthStart ? `AND date_trunc('month', loan_start_date) = DATE ${sqlString(monthStart)}` : '';
  await conn.run(`
    CREATE TEMP TABLE loans AS
    SELECT loan_id, any_value(Customer_ID) AS Customer_ID, min(loan_start_date) AS loan_start_date,
           arg_min(loan_amt, installment_num) AS loan_amt, arg_min(tenure, installment_num) AS tenure
    FROM lms
    WHERE loan_id IS NOT NULL AND Customer_ID IS NOT NULL AND loan_start_date IS NOT NULL ${inMonth}
      AND Customer_ID NOT IN (SELECT Customer_ID FROM excluded WHERE Customer_ID IS NOT NULL)
    GROUP BY loan_id`);
}

/** Clickstream aggregates per loan over snapshots on or before the loan start only. */
function clickstreamAggregatesSql(): string {
  const lastThreeMonths = `c.snapshot_date > l.loan_start_date - INTERVAL 3 MONTH`;
  const means3m = CLICKSTREAM_FEATURES.map((fe) => `avg(c.${fe}) FILTER (WHERE ${lastThreeMonths}) AS ${fe}_mean_3m`);
  return `
    SELECT l.loan_id, count(*) AS clickstream_months,
      avg(c.fe_10) AS fe_10_mean, stddev_samp(c.fe_10) AS fe_10_std, arg_max(c.fe_10, c.snapshot_date) AS fe_10_last,
      ${means3m.join(',\n      ')}
    FROM loans l JOIN clickstream c ON c.Customer_ID = l.Customer_ID AND c.snapshot_date <= l.loan_start_date
    GROUP BY l.loan_id`;
}

/**
 * Gold's every ordered output says ORDER BY (writeSortedGold), so DuckDB need not keep rows in their insertion
 * order: at 10× that held 50 MB less at the step's peak (in-process, 470–510 against 505–585 MB), in the same
 * time, and wrote the same rows in the same order.
 */
const GOLD_DUCKDB = { preserveInsertionOrder: false } as const;

/**
 * Runs `fn` on a DuckDB that has gold's inputs, its `loans` and, as the `click` view, their clickstream
 * aggregates, computed first in an instance of their own and written to a scratch Parquet file beside `path`:
 * DuckDB keeps what a statement used until its instance closes, so in one instance gold's joins and sort ran
 * beside the memory the aggregation had taken (180 MB at 10×). In-process at 10×, the step's peak: 390–440 MB
 * against 470–580 in one instance, in the same 1.4–1.6 s; the same rows in the same order. Each instance builds
 * `loans` itself (0.1 s at 10×) rather than reading it through a second scratch file.
 */
async function withGoldSources<T>(
  silverDir: string,
  path: string,
  monthStart: string | undefined,
  fn: (conn: DuckDBConnection) => Promise<T>,
): Promise<T> {
  // A temp sibling's name (…<pid>.<hex>.tmp): if the worker is killed before the `finally`, the next start of the
  // stack removes it as it removes every write its dead writer left (processes/leftovers.ts).
  const clickPath = tempSiblingPath(`${path}.click`);
  try {
    await withDuckDb(async (conn) => {
      await openGoldInputs(conn, silverDir);
      await createLoans(conn, monthStart);
      await atomicWriteParquet(conn, clickstreamAggregatesSql(), clickPath);
    }, GOLD_DUCKDB);
    return await withDuckDb(async (conn) => {
      await openGoldInputs(conn, silverDir);
      await createLoans(conn, monthStart);
      await conn.run(`CREATE VIEW click AS SELECT * FROM read_parquet(${sqlString(clickPath)})`);
      return fn(conn);
    }, GOLD_DUCKDB);
  } finally {
    await rm(clickPath, { force: true });
  }
}

/**
 * Joins `table` (as `alias`) at its latest snapshot on or before each loan's start: that snapshot's date per
 * loan, then the row by (Customer_ID, date). The same rows as DuckDB's ASOF LEFT JOIN, since the quality gate
 * excludes every customer with two rows of one snapshot, in hash joins: with the ASOF join's sorts the 10×
 * portfolio's gold step peaked 110 MB higher (590 against 480 MB in-process).
 */
function asOfJoin(table: 'attributes' | 'financials', alias: string): string {
  return `LEFT JOIN (
      SELECT l.loan_id, max(t.snapshot_date) AS snapshot_date
      FROM loans l JOIN ${table} t ON t.Customer_ID = l.Customer_ID
      WHERE t.snapshot_date <= l.loan_start_date GROUP BY l.loan_id) ${alias}_at ON ${alias}_at.loan_id = l.loan_id
    LEFT JOIN ${table} ${alias} ON ${alias}.Customer_ID = l.Customer_ID AND ${alias}.snapshot_date = ${alias}_at.snapshot_date`;
}

/** The gold SELECT: training keeps labelled loans only; monthly scoring keeps all (label may be NULL). */
function goldSelectSql(labelJoin: 'INNER' | 'LEFT'): string {
  const numeric = GOLD_NUMERIC_FEATURES.map(numericFeatureSql);
  const categorical = GOLD_CATEGORICAL_FEATURES.map(
    (name) => `CAST(${CATEGORICAL_SOURCE[name]} AS VARCHAR) AS "${name}"`,
  );
  return `
    SELECT l.loan_id, l.Customer_ID, l.loan_start_date, l.loan_start_date AS snapshot_date,
      CAST(lab.label AS INTEGER) AS label, lab.snapshot_date AS label_snapshot_date,
      ${[...numeric, ...categorical].join(',\n      ')}
    FROM loans l
    ${asOfJoin('attributes', 'a')}
    ${asOfJoin('financials', 'f')}
    LEFT JOIN click c ON c.loan_id = l.loan_id
    ${labelJoin} JOIN labels lab ON lab.loan_id = l.loan_id`;
}

/**
 * Writes gold's rows sorted by loan start and id (the order every reader of gold relies on). In one statement
 * the sort takes the joins' rows as they stream, and at 10× that is the cheaper way (the temp table below held
 * 40–170 MB more in the stack and took 0.4 s longer). But the sort and the joins' hash tables are held at once,
 * and at 100× the CS611 data (1.25 million loans) that ran out of DuckDB's memory limit (1 GB; 3 runs of 3).
 * Then the rows are written in two statements: the joins into a temp table, whose blocks DuckDB can evict to
 * its spill folder, then that table sorted into the file (14 s at 100×, 3 of 3).
 */
async function writeSortedGold(conn: DuckDBConnection, select: string, path: string): Promise<void> {
  try {
    await atomicWriteParquet(conn, `${select}\n    ORDER BY l.loan_start_date, l.loan_id`, path);
  } catch (err) {
    if (!isDuckDbOutOfMemory(err)) throw err;
    await conn.run(`CREATE TEMP TABLE gold_rows AS ${select}`);
    await atomicWriteParquet(conn, 'SELECT * FROM gold_rows ORDER BY loan_start_date, loan_id', path);
    await conn.run('DROP TABLE gold_rows');
  }
}

async function summarize(conn: DuckDBConnection, path: string) {
  const reader = await conn.runAndReadAll(`
    SELECT count(*)::INTEGER AS rows, count(label)::INTEGER AS labeled, coalesce(sum(label), 0)::INTEGER AS positives,
           strftime(min(snapshot_date), '%Y-%m-%d') AS min_date, strftime(max(snapshot_date), '%Y-%m-%d') AS max_date
    FROM read_parquet(${sqlString(path)})`);
  const row = reader.getRowObjectsJson()[0] ?? {};
  return {
    rows: Number(row.rows ?? 0),
    labeled: Number(row.labeled ?? 0),
    positives: Number(row.positives ?? 0),
    min: jsonText(row.min_date),
    max: jsonText(row.max_date),
  };
}

/** The training table: every labelled loan of a kept customer, with features as of its start. */
export async function buildGold(input: BuildGoldInput): Promise<GoldResult> {
  const path = join(input.goldDir, GOLD_PATHS.training);
  return withGoldSources(input.silverDir, path, undefined, async (conn) => {
    await writeSortedGold(conn, goldSelectSql('INNER'), path);
    const summary = await summarize(conn, path);
    if (summary.rows === 0) {
      throw new DataValidationError('Gold has no rows: no labelled loan of a kept customer', {
        file: GOLD_PATHS.training,
      });
    }
    const excluded = await conn.runAndReadAll('SELECT count(DISTINCT Customer_ID)::INTEGER AS n FROM excluded');
    return {
      rows: summary.rows,
      positives: summary.positives,
      features: [...GOLD_NUMERIC_FEATURES, ...GOLD_CATEGORICAL_FEATURES],
      path,
      snapshotRange: { min: summary.min, max: summary.max },
      excludedCustomers: Number(excluded.getRowObjectsJson()[0]?.n ?? 0),
    };
  });
}

/** 'YYYY-MM' or 'YYYY-MM-01' → 'YYYY-MM'. */
export function normalizeSnapshotMonth(value: string): string {
  const match = /^(\d{4})-(\d{2})(?:-01)?$/.exec(value.trim());
  const month = match ? Number(match[2]) : 0;
  if (!match || month < 1 || month > 12) {
    throw new DataValidationError(`snapshotMonth must look like YYYY-MM or YYYY-MM-01, got "${value}"`, {
      column: 'snapshotMonth',
    });
  }
  return `${match[1]}-${match[2]}`;
}

/** Inference-time gold: loans starting in one month, features as of their start, label when already known. */
export async function buildGoldForMonth(input: BuildGoldForMonthInput): Promise<GoldMonthResult> {
  const snapshotMonth = normalizeSnapshotMonth(input.snapshotMonth);
  const path = join(input.goldDir, GOLD_PATHS.month(snapshotMonth));
  return withGoldSources(input.silverDir, path, `${snapshotMonth}-01`, async (conn) => {
    await writeSortedGold(conn, goldSelectSql('LEFT'), path);
    const summary = await summarize(conn, path);
    return { snapshotMonth, rows: summary.rows, labeled: summary.labeled, positives: summary.positives, path };
  });
}
