/**
 * Quality gate between silver and gold: counts structural problems per table, decides which customers
 * cannot be trusted (duplicates, no loan, broken loan records, no features at loan start, …) and
 * writes them to `silverDir/quality/excluded_customers.parquet` (Customer_ID, reasons). Gold drops
 * those customers; silver files are left untouched so the exclusions stay auditable.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { atomicWriteParquet, jsonText, sqlString, withDuckDb, type DuckDBConnection } from '../../../storage/duckdb.js';
import { DataValidationError } from '../../../failures.js';
import { silverTablePath, SILVER_COLUMNS } from './silver.js';
import { LOAN_RAW_TABLES, SILVER_PATHS, type LoanRawTable } from './schemas.js';

export interface QualityInput {
  silverDir: string;
  /** `ok` turns false when more than this share of customers is excluded; default 0.05. */
  maxExcludedFraction?: number;
}

export interface QualityIssue {
  check: string;
  count: number;
}

export interface QualityTableReport {
  table: LoanRawTable;
  rows: number;
  issues: QualityIssue[];
}

export interface QualityResult {
  ok: boolean;
  tables: QualityTableReport[];
  /** Customers excluded from gold, and why (a customer can have several reasons). */
  removedCustomers: number;
  keptCustomers: number;
  exclusionReasons: Record<string, number>;
  /** excluded_customers.parquet */
  path: string;
  /** The whole result as JSON, for audit. */
  reportPath: string;
}

const VIEW: Record<LoanRawTable, string> = {
  features_attributes: 'attributes',
  features_financials: 'financials',
  feature_clickstream: 'clickstream',
  lms_loan_daily: 'lms',
};

/** A counted problem; when `exclude` is set, the customers it selects are removed with that reason. */
interface Check {
  table: LoanRawTable;
  check: string;
  /** SQL returning the offending rows' count as `n`. */
  countSql: string;
  exclude?: { reason: string; customersSql: string };
}

const duplicateKeyCheck = (table: LoanRawTable, reason: string): Check => ({
  table,
  check: 'duplicate_customer_snapshot',
  countSql: `SELECT coalesce(sum(n - 1), 0) AS n FROM (
      SELECT count(*) AS n FROM ${VIEW[table]} WHERE Customer_ID IS NOT NULL AND snapshot_date IS NOT NULL
      GROUP BY Customer_ID, snapshot_date HAVING count(*) > 1)`,
  exclude: {
    reason,
    customersSql: `SELECT DISTINCT Customer_ID FROM ${VIEW[table]} WHERE Customer_ID IS NOT NULL AND snapshot_date IS NOT NULL
      GROUP BY Customer_ID, snapshot_date HAVING count(*) > 1`,
  },
});

const profileChecks = (table: LoanRawTable): Check[] => [
  {
    table,
    check: 'missing_customer_id',
    countSql: `SELECT count(*) AS n FROM ${VIEW[table]} WHERE Customer_ID IS NULL`,
  },
  {
    table,
    check: 'missing_snapshot_date',
    countSql: `SELECT count(*) AS n FROM ${VIEW[table]} WHERE Customer_ID IS NOT NULL AND snapshot_date IS NULL`,
  },
  duplicateKeyCheck(table, `duplicate_${VIEW[table]}`),
  {
    table,
    check: 'customer_without_loan',
    countSql: `SELECT count(DISTINCT Customer_ID) AS n FROM ${VIEW[table]}
      WHERE Customer_ID IS NOT NULL AND Customer_ID NOT IN (SELECT Customer_ID FROM lms WHERE Customer_ID IS NOT NULL)`,
    exclude:
      table === 'feature_clickstream'
        ? undefined
        : {
            reason: 'no_loan',
            customersSql: `SELECT DISTINCT Customer_ID FROM ${VIEW[table]}
              WHERE Customer_ID IS NOT NULL AND Customer_ID NOT IN (SELECT Customer_ID FROM lms WHERE Customer_ID IS NOT NULL)`,
          },
  },
];

/** LMS rows that cannot be trusted to compute dpd and the label. */
const BROKEN_LMS_ROW = `(loan_start_date IS NULL OR snapshot_date IS NULL OR tenure IS NULL OR installment_num IS NULL
  OR due_amt IS NULL OR paid_amt IS NULL OR overdue_amt IS NULL OR installment_num > tenure OR snapshot_date < loan_start_date)`;

const lmsChecks: Check[] = [
  {
    table: 'lms_loan_daily',
    check: 'missing_loan_or_customer_id',
    countSql: `SELECT count(*) AS n FROM lms WHERE loan_id IS NULL OR Customer_ID IS NULL`,
  },
  {
    table: 'lms_loan_daily',
    check: 'invalid_loan_record',
    countSql: `SELECT count(*) AS n FROM lms WHERE Customer_ID IS NOT NULL AND ${BROKEN_LMS_ROW}`,
    exclude: {
      reason: 'invalid_loan_record',
      customersSql: `SELECT DISTINCT Customer_ID FROM lms WHERE Customer_ID IS NOT NULL AND ${BROKEN_LMS_ROW}`,
    },
  },
  {
    table: 'lms_loan_daily',
    check: 'duplicate_installment',
    countSql: `SELECT coalesce(sum(n - 1), 0) AS n FROM (
        SELECT count(*) AS n FROM lms WHERE loan_id IS NOT NULL GROUP BY loan_id, installment_num HAVING count(*) > 1)`,
    exclude: {
      reason: 'duplicate_installment',
      customersSql: `SELECT DISTINCT Customer_ID FROM lms WHERE loan_id IN (
          SELECT loan_id FROM lms WHERE loan_id IS NOT NULL GROUP BY loan_id, installment_num HAVING count(*) > 1)`,
    },
  },
  {
    table: 'lms_loan_daily',
    check: 'loan_with_several_customers',
    countSql: `SELECT count(*) AS n FROM (
        SELECT loan_id FROM lms WHERE loan_id IS NOT NULL GROUP BY loan_id HAVING count(DISTINCT Customer_ID) > 1)`,
    exclude: {
      reason: 'loan_with_several_customers',
      customersSql: `SELECT DISTINCT Customer_ID FROM lms WHERE loan_id IN (
          SELECT loan_id FROM lms WHERE loan_id IS NOT NULL GROUP BY loan_id HAVING count(DISTINCT Customer_ID) > 1)`,
    },
  },
  {
    // Gold joins features as of the loan start: a loan with no attributes or financials row on or
    // before that date has nothing to predict from (and using a later row would be look-ahead).
    table: 'lms_loan_daily',
    check: 'no_features_at_loan_start',
    countSql: `SELECT count(*) AS n FROM loans WHERE NOT has_features`,
    exclude: {
      reason: 'no_features_at_loan_start',
      customersSql: `SELECT DISTINCT Customer_ID FROM loans WHERE NOT has_features`,
    },
  },
  {
    // Informational: young loans have not reached mob 6 yet; they are scored but not trained on.
    table: 'lms_loan_daily',
    check: 'loan_without_label_yet',
    countSql: `SELECT count(*) AS n FROM loans WHERE loan_id NOT IN (SELECT loan_id FROM labels)`,
  },
];

const CHECKS: Check[] = [
  ...profileChecks('features_attributes'),
  ...profileChecks('features_financials'),
  ...profileChecks('feature_clickstream'),
  ...lmsChecks,
];

async function queryNumber(conn: DuckDBConnection, sql: string, column = 'n'): Promise<number> {
  const reader = await conn.runAndReadAll(sql);
  return Number(reader.getRowObjectsJson()[0]?.[column] ?? 0);
}

/** Each silver table exists, has its columns and at least one row; creates a view per table. */
async function openSilverTables(conn: DuckDBConnection, silverDir: string): Promise<Record<LoanRawTable, number>> {
  const rows = {} as Record<LoanRawTable, number>;
  for (const table of LOAN_RAW_TABLES) {
    const path = silverTablePath(silverDir, table);
    const file = SILVER_PATHS.table(table);
    if (!(await stat(path).catch(() => undefined))?.isFile()) {
      throw new DataValidationError(`Silver table ${table} is missing: run buildSilver first`, { table, file });
    }
    await conn.run(`CREATE VIEW ${VIEW[table]} AS SELECT * FROM read_parquet(${sqlString(path)})`);
    const described = await conn.runAndReadAll(`DESCRIBE ${VIEW[table]}`);
    const columns = new Set(described.getRowObjectsJson().map((r) => jsonText(r.column_name)));
    const missing = SILVER_COLUMNS[table].find((column) => !columns.has(column));
    if (missing) {
      throw new DataValidationError(`Silver table ${table} lacks column ${missing}`, { table, file, column: missing });
    }
    rows[table] = await queryNumber(conn, `SELECT count(*) AS n FROM ${VIEW[table]}`);
    if (rows[table] === 0) throw new DataValidationError(`Silver table ${table} is empty`, { table, file });
  }
  return rows;
}

/** One row per loan with whether attributes AND financials exist on or before its start. */
async function createLoanViews(conn: DuckDBConnection, silverDir: string): Promise<void> {
  const labelPath = join(silverDir, SILVER_PATHS.labelStore);
  const hasLabels = (await stat(labelPath).catch(() => undefined))?.isFile() === true;
  await conn.run(
    hasLabels
      ? `CREATE VIEW labels AS SELECT loan_id FROM read_parquet(${sqlString(labelPath)})`
      : `CREATE VIEW labels AS SELECT CAST(NULL AS VARCHAR) AS loan_id WHERE false`,
  );
  await conn.run(`
    CREATE TEMP TABLE loans AS
    SELECT l.loan_id, l.Customer_ID, l.loan_start_date,
      EXISTS (SELECT 1 FROM attributes a WHERE a.Customer_ID = l.Customer_ID AND a.snapshot_date <= l.loan_start_date)
      AND EXISTS (SELECT 1 FROM financials f WHERE f.Customer_ID = l.Customer_ID AND f.snapshot_date <= l.loan_start_date)
        AS has_features
    FROM (SELECT loan_id, any_value(Customer_ID) AS Customer_ID, min(loan_start_date) AS loan_start_date
          FROM lms WHERE loan_id IS NOT NULL AND Customer_ID IS NOT NULL GROUP BY loan_id) l`);
}

async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Runs every check, writes excluded customers (and a JSON report), and says whether gold may proceed. */
export async function runQualityChecks(input: QualityInput): Promise<QualityResult> {
  const { silverDir, maxExcludedFraction = 0.05 } = input;
  const path = join(silverDir, SILVER_PATHS.excludedCustomers);
  const reportPath = join(silverDir, SILVER_PATHS.qualityReport);
  const result = await withDuckDb(async (conn) => {
    const rows = await openSilverTables(conn, silverDir);
    await createLoanViews(conn, silverDir);
    const tables = LOAN_RAW_TABLES.map((table): QualityTableReport => ({ table, rows: rows[table], issues: [] }));
    const exclusions: string[] = [];
    for (const check of CHECKS) {
      const count = await queryNumber(conn, check.countSql);
      tables.find((t) => t.table === check.table)?.issues.push({ check: check.check, count });
      if (check.exclude && count > 0) {
        exclusions.push(
          `SELECT Customer_ID, ${sqlString(check.exclude.reason)} AS reason FROM (${check.exclude.customersSql})`,
        );
      }
    }
    const excludedSql = exclusions.length
      ? `SELECT Customer_ID, string_agg(DISTINCT reason, ',' ORDER BY reason) AS reasons
         FROM (${exclusions.join(' UNION ALL ')}) GROUP BY Customer_ID`
      : `SELECT CAST(NULL AS VARCHAR) AS Customer_ID, CAST(NULL AS VARCHAR) AS reasons WHERE false`;
    await conn.run(`CREATE TEMP TABLE excluded AS ${excludedSql}`);
    await atomicWriteParquet(conn, 'SELECT * FROM excluded ORDER BY Customer_ID', path);
    const reasonRows = await conn.runAndReadAll(
      `SELECT reason, count(*)::INTEGER AS n FROM (SELECT unnest(string_split(reasons, ',')) AS reason FROM excluded)
       GROUP BY reason ORDER BY reason`,
    );
    const exclusionReasons = Object.fromEntries(
      reasonRows.getRowObjectsJson().map((r) => [jsonText(r.reason), Number(r.n)]),
    );
    const allCustomers = await queryNumber(
      conn,
      `SELECT count(DISTINCT Customer_ID) AS n FROM (
         SELECT Customer_ID FROM attributes UNION ALL SELECT Customer_ID FROM financials UNION ALL SELECT Customer_ID FROM lms)`,
    );
    const removedCustomers = await queryNumber(conn, 'SELECT count(*) AS n FROM excluded');
    return { tables, removedCustomers, keptCustomers: allCustomers - removedCustomers, exclusionReasons };
  });
  const ok =
    result.keptCustomers > 0 &&
    result.removedCustomers <= maxExcludedFraction * (result.keptCustomers + result.removedCustomers);
  const full: QualityResult = { ok, ...result, path, reportPath };
  await writeJsonAtomic(reportPath, full);
  return full;
}
