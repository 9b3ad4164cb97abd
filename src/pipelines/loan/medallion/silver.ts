/**
 * Silver: one typed, cleaned Parquet file per table (`silverDir/<table>.parquet`), built in DuckDB SQL.
 * Placeholders become NULL (`_______`, `_`, `NM`, `!@9#%8`, `__10000__`, garbage SSNs), stray underscores
 * are stripped (`40_` → 40), values are TRY_CAST and range-checked (thresholds below come from the
 * course data: valid values stop well before the absurd outliers start). The LMS table also gets
 * mob / installments_missed / first_missed_date / dpd, and the label store is derived from it.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWriteParquet, jsonText, sqlString, withDuckDb, type DuckDBConnection } from '../../../storage/duckdb.js';
import { sqlIdentifier } from '../../../storage/sql.js';
import { DataValidationError } from '../../../failures.js';
import { RAW_NUM_MACRO } from './raw-values.js';
import { assertLoanRawTable, bronzeSource, bronzeTablePath } from './bronze.js';
import {
  CLICKSTREAM_FEATURES,
  LABEL_DEFINITION,
  LABEL_DPD,
  LABEL_MOB,
  PER_TABLE_DUCKDB,
  SILVER_PATHS,
  type LoanRawTable,
} from './schemas.js';

export interface BuildSilverInput {
  bronzeDir: string;
  silverDir: string;
  table: LoanRawTable;
}

export interface LabelStoreResult {
  path: string;
  rows: number;
  positives: number;
}

export interface SilverResult {
  table: LoanRawTable;
  rows: number;
  /** Per output column: values that were present in bronze but became NULL in cleaning. */
  nullsSet: Record<string, number>;
  path: string;
  /** Only for lms_loan_daily: the label store written beside it. */
  labelStore?: LabelStoreResult;
}

/** One silver column: its SQL over the bronze (all-VARCHAR) columns, and the raw column it comes from. */
interface ColumnRule {
  name: string;
  sql: string;
  /** Raw column whose non-blank values are counted in nullsSet when `sql` yields NULL. */
  from: string;
}

/** Cleaning macros; how a raw number is read (placeholders, stray underscores) is `raw_num`, in raw-values.ts. */
const CLEANING_MACROS = [
  `CREATE OR REPLACE TEMP MACRO raw_text(s) AS NULLIF(trim(s), '')`,
  RAW_NUM_MACRO,
  `CREATE OR REPLACE TEMP MACRO in_range(v, lo, hi) AS CASE WHEN v >= lo AND v <= hi THEN v END`,
  // Integers must be whole: TRY_CAST('11.5' AS INTEGER) would silently round to 12.
  `CREATE OR REPLACE TEMP MACRO whole(v) AS CASE WHEN v = trunc(v) THEN v END`,
  `CREATE OR REPLACE TEMP MACRO raw_int(s, lo, hi) AS CAST(in_range(whole(raw_num(s)), lo, hi) AS INTEGER)`,
  `CREATE OR REPLACE TEMP MACRO raw_date(s) AS TRY_CAST(trim(s) AS DATE)`,
  `CREATE OR REPLACE TEMP MACRO raw_category(s, pattern) AS CASE WHEN regexp_full_match(trim(s), pattern) THEN trim(s) END`,
];

const text = (column: string): ColumnRule => ({ name: column, sql: `raw_text("${column}")`, from: column });
const integer = (column: string, lo: number, hi: number): ColumnRule => ({
  name: column,
  sql: `raw_int("${column}", ${lo}, ${hi})`,
  from: column,
});
const decimal = (column: string, lo: number, hi: number): ColumnRule => ({
  name: column,
  sql: `in_range(raw_num("${column}"), ${lo}, ${hi})`,
  from: column,
});
const category = (column: string, pattern: string): ColumnRule => ({
  name: column,
  sql: `raw_category("${column}", ${sqlString(pattern)})`,
  from: column,
});
const date = (column: string): ColumnRule => ({ name: column, sql: `raw_date("${column}")`, from: column });

const SALARY = `in_range(raw_num(Monthly_Inhand_Salary), 1, 1e7)`;

const ATTRIBUTE_RULES: ColumnRule[] = [
  text('Customer_ID'),
  text('Name'),
  // Ages like -500 or 3843 are data-entry noise, not customers.
  integer('Age', 1, 100),
  {
    name: 'SSN',
    sql: `CASE WHEN regexp_full_match(trim(SSN), '\\d{3}-\\d{2}-\\d{4}') THEN trim(SSN) END`,
    from: 'SSN',
  },
  {
    name: 'Occupation',
    sql: `CASE WHEN NOT regexp_full_match(trim(Occupation), '_+') THEN raw_text(Occupation) END`,
    from: 'Occupation',
  },
  date('snapshot_date'),
];

const FINANCIAL_RULES: ColumnRule[] = [
  text('Customer_ID'),
  {
    // Incomes far above 12 × the in-hand salary are typos (the course data has 23,834,698 next to ~3,000/month).
    name: 'Annual_Income',
    sql: `CASE WHEN ${SALARY} IS NULL OR in_range(raw_num(Annual_Income), 1, 1e9) / 12 <= 2 * ${SALARY}
               THEN in_range(raw_num(Annual_Income), 1, 1e9) END`,
    from: 'Annual_Income',
  },
  { name: 'Monthly_Inhand_Salary', sql: SALARY, from: 'Monthly_Inhand_Salary' },
  // Counts: valid values stop at 11 / 11 / 9 / 28 / 17, outliers start at 26 / 21 / 18 / 47 / 26.
  integer('Num_Bank_Accounts', 0, 20),
  integer('Num_Credit_Card', 0, 20),
  decimal('Interest_Rate', 0, 50),
  integer('Num_of_Loan', 0, 15),
  text('Type_of_Loan'),
  integer('Delay_from_due_date', -60, 365),
  integer('Num_of_Delayed_Payment', 0, 40),
  decimal('Changed_Credit_Limit', -100, 100),
  integer('Num_Credit_Inquiries', 0, 20),
  category('Credit_Mix', 'Good|Standard|Bad'),
  decimal('Outstanding_Debt', 0, 1e8),
  decimal('Credit_Utilization_Ratio', 0, 100),
  {
    name: 'Credit_History_Months',
    sql: `CAST(in_range(
            TRY_CAST(regexp_extract(trim(Credit_History_Age), '^(\\d+) Years? and (\\d+) Months?$', 1) AS INTEGER) * 12 +
            TRY_CAST(regexp_extract(trim(Credit_History_Age), '^(\\d+) Years? and (\\d+) Months?$', 2) AS INTEGER),
            0, 1200) AS INTEGER)`,
    from: 'Credit_History_Age',
  },
  category('Payment_of_Min_Amount', 'Yes|No'),
  {
    // An EMI above the whole monthly in-hand salary is an outlier (they start at 1,689 vs salaries ≤ 15k).
    name: 'Total_EMI_per_month',
    sql: `CASE WHEN ${SALARY} IS NULL OR in_range(raw_num(Total_EMI_per_month), 0, 1e8) <= ${SALARY}
               THEN in_range(raw_num(Total_EMI_per_month), 0, 1e8) END`,
    from: 'Total_EMI_per_month',
  },
  decimal('Amount_invested_monthly', 0, 1e8),
  category('Payment_Behaviour', '(Low|High)_spent_(Small|Medium|Large)_value_payments'),
  decimal('Monthly_Balance', -1e8, 1e8),
  date('snapshot_date'),
];

const CLICKSTREAM_RULES: ColumnRule[] = [
  ...CLICKSTREAM_FEATURES.map((fe) => integer(fe, -1e6, 1e6)),
  text('Customer_ID'),
  date('snapshot_date'),
];

const LMS_RULES: ColumnRule[] = [
  text('loan_id'),
  text('Customer_ID'),
  date('loan_start_date'),
  integer('tenure', 0, 600),
  integer('installment_num', 0, 600),
  // Amounts are never negative.
  decimal('loan_amt', 0, 1e12),
  decimal('due_amt', 0, 1e12),
  decimal('paid_amt', 0, 1e12),
  decimal('overdue_amt', 0, 1e12),
  decimal('balance', 0, 1e12),
  date('snapshot_date'),
];

const RULES: Record<LoanRawTable, ColumnRule[]> = {
  features_attributes: ATTRIBUTE_RULES,
  features_financials: FINANCIAL_RULES,
  feature_clickstream: CLICKSTREAM_RULES,
  lms_loan_daily: LMS_RULES,
};

/** Columns of each silver table (the LMS adds mob, installments_missed, first_missed_date and dpd). */
export const SILVER_COLUMNS: Readonly<Record<LoanRawTable, readonly string[]>> = {
  features_attributes: ATTRIBUTE_RULES.map((r) => r.name),
  features_financials: FINANCIAL_RULES.map((r) => r.name),
  feature_clickstream: CLICKSTREAM_RULES.map((r) => r.name),
  lms_loan_daily: [...LMS_RULES.map((r) => r.name), 'mob', 'installments_missed', 'first_missed_date', 'dpd'],
};

/**
 * Course definitions: mob = installment_num; installments_missed = ceil(overdue / due);
 * first_missed_date = snapshot_date − installments_missed months; dpd = days since then when overdue.
 */
const LMS_DERIVED_SQL = `
  SELECT *,
    installment_num AS mob,
    CASE WHEN due_amt > 0 THEN CAST(ceil(overdue_amt / due_amt) AS INTEGER) ELSE 0 END AS installments_missed
  FROM clean`;

const LMS_WITH_DPD_SQL = `
  SELECT *,
    CASE WHEN overdue_amt > 0 THEN date_diff('day', first_missed_date, snapshot_date) ELSE 0 END AS dpd
  FROM (
    SELECT *,
      CASE WHEN installments_missed > 0 THEN CAST(snapshot_date - to_months(installments_missed) AS DATE) END
        AS first_missed_date
    FROM (${LMS_DERIVED_SQL})
  )`;

export function silverTablePath(silverDir: string, table: LoanRawTable): string {
  return join(silverDir, SILVER_PATHS.table(table));
}

async function assertBronzeExists(bronzeDir: string, table: LoanRawTable): Promise<void> {
  const info = await stat(bronzeTablePath(bronzeDir, table)).catch(() => undefined);
  if (!info?.isFile()) {
    throw new DataValidationError(`Bronze table ${table} is missing: run ingestBronze first`, { table });
  }
}

/** The cleaned columns of a bronze table, as a view: the writes below stream it, nothing is staged. */
async function createCleanView(conn: DuckDBConnection, bronzeDir: string, table: LoanRawTable): Promise<ColumnRule[]> {
  for (const macro of CLEANING_MACROS) await conn.run(macro);
  const rules = RULES[table];
  const cleaned = rules.map((r) => `${r.sql} AS "${r.name}"`);
  await conn.run(`CREATE TEMP VIEW clean AS SELECT ${cleaned.join(', ')} FROM ${bronzeSource(bronzeDir, table)}`);
  return rules;
}

/**
 * NULLs per column of a Parquet file and its row count, from the row groups' statistics (a column without
 * them is counted by a scan).
 */
async function nullCounts(conn: DuckDBConnection, path: string): Promise<{ rows: number; nulls: Map<string, number> }> {
  const file = sqlString(path);
  const stats = await conn.runAndReadAll(
    `SELECT path_in_schema AS name, sum(stats_null_count)::BIGINT AS nulls, count(*) - count(stats_null_count) AS unknown
     FROM parquet_metadata(${file}) GROUP BY 1`,
  );
  const nulls = new Map<string, number>();
  const unknown: string[] = [];
  for (const row of stats.getRowObjectsJson()) {
    const name = jsonText(row.name);
    if (Number(row.unknown) > 0) unknown.push(name);
    else nulls.set(name, Number(row.nulls));
  }
  const counts = unknown.map((name, i) => `count(*) FILTER (WHERE ${sqlIdentifier(name)} IS NULL) AS c${i}`);
  const scanned = await conn.runAndReadAll(
    `SELECT count(*)::BIGINT AS rows${counts.map((c) => `, ${c}`).join('')} FROM read_parquet(${file})`,
  );
  const row = scanned.getRowObjectsJson()[0] ?? {};
  unknown.forEach((name, i) => nulls.set(name, Number(row[`c${i}`])));
  return { rows: Number(row.rows ?? 0), nulls };
}

/**
 * Per column, the values present in bronze that cleaning turned into NULL. Every rule maps NULL to NULL, and
 * bronze has no empty strings (the CSV reader reads empty and "" fields as NULL), so that is the silver
 * column's NULLs less the raw column's: both from the files' statistics, no third pass over the rows.
 */
async function countNullsSet(
  conn: DuckDBConnection,
  rules: ColumnRule[],
  bronzePath: string,
  silverPath: string,
): Promise<{ rows: number; nullsSet: Record<string, number> }> {
  const raw = await nullCounts(conn, bronzePath);
  const clean = await nullCounts(conn, silverPath);
  const nullsSet: Record<string, number> = {};
  for (const r of rules) nullsSet[r.name] = (clean.nulls.get(r.name) ?? 0) - (raw.nulls.get(r.from) ?? 0);
  return { rows: clean.rows, nullsSet };
}

/** One label per loan: dpd ≥ 30 at mob 6 (loans that have not reached mob 6 have no label yet). */
async function writeLabelStore(conn: DuckDBConnection, silverDir: string, lmsPath: string): Promise<LabelStoreResult> {
  const path = join(silverDir, SILVER_PATHS.labelStore);
  await conn.run(`
    CREATE TEMP TABLE labels AS
    SELECT loan_id, Customer_ID, CAST(dpd >= ${LABEL_DPD} AS INTEGER) AS label, ${sqlString(LABEL_DEFINITION)} AS label_def,
           snapshot_date, loan_start_date
    FROM read_parquet(${sqlString(lmsPath)})
    WHERE mob = ${LABEL_MOB} AND loan_id IS NOT NULL AND dpd IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY loan_id ORDER BY snapshot_date, Customer_ID) = 1`);
  await atomicWriteParquet(conn, 'SELECT * FROM labels ORDER BY loan_id', path);
  const reader = await conn.runAndReadAll(
    `SELECT count(*)::INTEGER AS n, coalesce(sum(label), 0)::INTEGER AS p FROM labels`,
  );
  const row = reader.getRowObjectsJson()[0] ?? {};
  return { path, rows: Number(row.n ?? 0), positives: Number(row.p ?? 0) };
}

/** Cleans one bronze table into silver (and, for the LMS, writes the label store). */
export async function buildSilver(input: BuildSilverInput): Promise<SilverResult> {
  const { bronzeDir, silverDir, table } = input;
  assertLoanRawTable(table);
  await assertBronzeExists(bronzeDir, table);
  const path = silverTablePath(silverDir, table);
  return withDuckDb(async (conn) => {
    const rules = await createCleanView(conn, bronzeDir, table);
    // Streamed from bronze to the file in bronze's order (the CSV's). Sorting by key cost 1.4 of the 10×
    // clickstream's 8 s and every reader joins or aggregates by key; staging the table (to count the NULLs
    // set) held it all in memory.
    const select = table === 'lms_loan_daily' ? LMS_WITH_DPD_SQL : 'SELECT * FROM clean';
    await atomicWriteParquet(conn, select, path);
    const { rows, nullsSet } = await countNullsSet(conn, rules, bronzeTablePath(bronzeDir, table), path);
    if (table !== 'lms_loan_daily') return { table, rows, nullsSet, path };
    const labelStore = await writeLabelStore(conn, silverDir, path);
    return { table, rows, nullsSet, path, labelStore };
  }, PER_TABLE_DUCKDB);
}
