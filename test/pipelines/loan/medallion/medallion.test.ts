import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Json } from '@duckdb/node-api';
import { atomicWriteParquet, jsonText, sqlString, withDuckDb } from '../../../../src/storage/duckdb.js';
import { DataValidationError } from '../../../../src/failures.js';
import {
  buildGold,
  buildGoldForMonth,
  buildSilver,
  GOLD_CATEGORICAL_FEATURES,
  GOLD_KEY_COLUMNS,
  GOLD_NUMERIC_FEATURES,
  ingestBronze,
  LOAN_RAW_TABLES,
  RAW_TABLES,
  runQualityChecks,
  SILVER_PATHS,
  type BronzeResult,
  type GoldResult,
  type LoanRawTable,
  type QualityResult,
  type SilverResult,
} from '../../../../src/pipelines/loan/medallion/index.js';
import { writeLoanSampleData } from '../../../../src/sample-data/loan.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const REAL_LOAN_DIR = resolve(REPO_ROOT, '..', 'shared', 'datasets', 'loan');

interface ChainResult {
  bronze: BronzeResult[];
  silver: SilverResult[];
  quality: QualityResult;
  gold: GoldResult;
  silverDir: string;
  goldDir: string;
  timingsMs: Record<string, number>;
}

async function timed<T>(timings: Record<string, number>, step: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await fn();
  timings[step] = Math.round(performance.now() - started);
  return result;
}

/** bronze and silver per table in parallel (as the workflow's activities run), then quality and gold. */
async function runChain(rawDir: string, workDir: string): Promise<ChainResult> {
  const bronzeDir = join(workDir, 'bronze');
  const silverDir = join(workDir, 'silver');
  const goldDir = join(workDir, 'gold');
  const timingsMs: Record<string, number> = {};
  const bronze = await timed(timingsMs, 'bronze', () =>
    Promise.all(LOAN_RAW_TABLES.map((table) => ingestBronze({ rawDir, bronzeDir, table }))),
  );
  const silver = await timed(timingsMs, 'silver', () =>
    Promise.all(LOAN_RAW_TABLES.map((table) => buildSilver({ bronzeDir, silverDir, table }))),
  );
  const quality = await timed(timingsMs, 'quality', () => runQualityChecks({ silverDir }));
  const gold = await timed(timingsMs, 'gold', () => buildGold({ silverDir, goldDir }));
  return { bronze, silver, quality, gold, silverDir, goldDir, timingsMs };
}

async function query(sql: string): Promise<Record<string, Json>[]> {
  return withDuckDb(async (conn) => (await conn.runAndReadAll(sql)).getRowObjectsJson());
}

const parquet = (path: string) => `read_parquet(${sqlString(path)})`;

async function columnTypes(path: string): Promise<Map<string, string>> {
  const rows = await query(`DESCRIBE SELECT * FROM ${parquet(path)}`);
  return new Map(rows.map((r) => [jsonText(r.column_name), jsonText(r.column_type)]));
}

function addMonths(date: string, months: number): string {
  const [year, month] = date.split('-').map(Number) as [number, number];
  const index = year * 12 + month - 1 + months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;
}

/** Expect a DataValidationError whose details include `expected`. */
async function rejectsWithDetails(promise: Promise<unknown>, expected: Record<string, unknown>, message?: RegExp) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof DataValidationError, `DataValidationError, got ${String(err)}`);
    for (const [key, value] of Object.entries(expected)) {
      assert.equal((err.details as Record<string, unknown>)[key], value, `details.${key}`);
    }
    if (message) assert.match(err.message, message);
    return true;
  });
}

const CUSTOMERS = 1500;

describe('loan medallion on generated data', () => {
  let root: string;
  let rawDir: string;
  let chain: ChainResult;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'loan-medallion-'));
    rawDir = join(root, 'raw');
    await writeLoanSampleData(rawDir, { seed: 11, customers: CUSTOMERS });
    chain = await runChain(rawDir, join(root, 'run'));
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('bronze keeps every raw row as text, partitioned by snapshot month, with a sha256 fingerprint', async () => {
    const byTable = new Map(chain.bronze.map((b) => [b.table, b]));
    assert.equal(byTable.get('features_attributes')!.rows, CUSTOMERS);
    assert.equal(byTable.get('lms_loan_daily')!.rows, CUSTOMERS * 11);
    assert.equal(byTable.get('features_attributes')!.months.length, 25);
    assert.equal(byTable.get('feature_clickstream')!.months.length, 24);
    assert.equal(byTable.get('lms_loan_daily')!.months.length, 35);
    for (const b of chain.bronze) {
      assert.match(b.fingerprint, /^[0-9a-f]{64}$/);
      assert.equal(b.invalidSnapshotRows, 0);
      assert.ok(existsSync(join(b.path, `snapshot_month=${b.months[0]}`)), 'hive partition folder');
    }
    const types = await columnTypes(join(byTable.get('features_financials')!.path, '*', '*.parquet'));
    for (const [name, type] of types) if (name !== 'snapshot_month') assert.equal(type, 'VARCHAR', name);
    const dirt = await query(
      `SELECT count(*) FILTER (WHERE Credit_Mix = '_') AS n FROM read_parquet(${sqlString(join(byTable.get('features_financials')!.path, '*', '*.parquet'))})`,
    );
    assert.ok(Number(dirt[0].n) > 0, 'bronze is as read (dirt kept)');
  });

  it('silver cleans the dirt: sentinels NULL, underscores stripped, ranges checked, types cast', async () => {
    const attributes = join(chain.silverDir, SILVER_PATHS.table('features_attributes'));
    const financials = join(chain.silverDir, SILVER_PATHS.table('features_financials'));
    const [checks] = await query(`
      SELECT count(*) FILTER (WHERE Age IS NOT NULL AND (Age <= 0 OR Age > 100)) AS bad_age,
             count(*) FILTER (WHERE Age IS NULL) AS null_age,
             count(*) FILTER (WHERE regexp_full_match(Occupation, '_+')) AS placeholder_occupation,
             count(*) FILTER (WHERE SSN IS NOT NULL AND NOT regexp_full_match(SSN, '\\d{3}-\\d{2}-\\d{4}')) AS bad_ssn
      FROM ${parquet(attributes)}`);
    assert.equal(Number(checks.bad_age), 0);
    assert.ok(Number(checks.null_age) > 0, 'dirty ages became NULL');
    assert.equal(Number(checks.placeholder_occupation), 0);
    assert.equal(Number(checks.bad_ssn), 0);
    const [fin] = await query(`
      SELECT count(*) FILTER (WHERE Credit_Mix NOT IN ('Good', 'Standard', 'Bad')) AS bad_mix,
             count(*) FILTER (WHERE Payment_of_Min_Amount NOT IN ('Yes', 'No')) AS bad_min,
             count(*) FILTER (WHERE Payment_Behaviour LIKE '%!%') AS bad_behaviour,
             count(*) FILTER (WHERE Num_Bank_Accounts > 20 OR Num_of_Loan < 0 OR Interest_Rate > 50) AS outliers,
             count(*) FILTER (WHERE Amount_invested_monthly = 10000) AS placeholder_investment,
             count(Credit_History_Months) AS history_months
      FROM ${parquet(financials)}`);
    assert.deepEqual(
      [fin.bad_mix, fin.bad_min, fin.bad_behaviour, fin.outliers, fin.placeholder_investment].map(Number),
      [0, 0, 0, 0, 0],
    );
    assert.ok(Number(fin.history_months) > CUSTOMERS * 0.95, 'Credit_History_Age parsed to months');
    for (const path of [attributes, financials]) {
      for (const [name, type] of await columnTypes(path)) {
        if (type !== 'VARCHAR') continue;
        const [row] = await query(`SELECT count(*) AS n FROM ${parquet(path)} WHERE "${name}" LIKE '%\\_' ESCAPE '\\'`);
        assert.equal(Number(row.n), 0, `no trailing underscore left in ${name}`);
      }
    }
    const types = await columnTypes(financials);
    assert.equal(types.get('Annual_Income'), 'DOUBLE');
    assert.equal(types.get('Num_of_Loan'), 'INTEGER');
    assert.equal(types.get('Credit_History_Months'), 'INTEGER');
    assert.equal(types.get('snapshot_date'), 'DATE');
    const silverFin = chain.silver.find((s) => s.table === 'features_financials')!;
    assert.ok(silverFin.nullsSet.Credit_Mix > 0 && silverFin.nullsSet.Amount_invested_monthly > 0);
    assert.ok(chain.silver.find((s) => s.table === 'features_attributes')!.nullsSet.Age > 0);
  });

  it('silver LMS derives mob, installments_missed, first_missed_date and dpd as in the course', async () => {
    const lms = join(chain.silverDir, SILVER_PATHS.table('lms_loan_daily'));
    const rows = await query(`
      SELECT strftime(snapshot_date, '%Y-%m-%d') AS snapshot, overdue_amt, due_amt, mob, installment_num,
             installments_missed, strftime(first_missed_date, '%Y-%m-%d') AS first_missed, dpd
      FROM ${parquet(lms)} WHERE overdue_amt > 0 ORDER BY loan_id, installment_num LIMIT 200`);
    assert.ok(rows.length > 0);
    for (const r of rows) {
      const missed = Math.ceil(Number(r.overdue_amt) / Number(r.due_amt));
      const firstMissed = addMonths(jsonText(r.snapshot), -missed);
      const days = (Date.parse(jsonText(r.snapshot)) - Date.parse(firstMissed)) / 86_400_000;
      assert.equal(r.mob, r.installment_num);
      assert.equal(r.installments_missed, missed);
      assert.equal(r.first_missed, firstMissed);
      assert.equal(Number(r.dpd), days);
    }
    const [zero] = await query(`SELECT count(*) AS n FROM ${parquet(lms)} WHERE overdue_amt = 0 AND dpd <> 0`);
    assert.equal(Number(zero.n), 0);
  });

  it('writes one label per loan (dpd >= 30 at mob 6) at a ~25-30% rate', async () => {
    const store = chain.silver.find((s) => s.table === 'lms_loan_daily')!.labelStore!;
    assert.equal(store.rows, CUSTOMERS);
    const rate = store.positives / store.rows;
    assert.ok(rate > 0.22 && rate < 0.34, `label rate ${rate}`);
    const [row] = await query(`
      SELECT count(DISTINCT loan_id) AS loans, count(*) FILTER (WHERE label_def <> '30dpd_6mob') AS other_defs,
             count(*) FILTER (WHERE snapshot_date <> loan_start_date + INTERVAL 6 MONTH) AS not_mob6
      FROM ${parquet(store.path)}`);
    assert.deepEqual([row.loans, row.other_defs, row.not_mob6].map(Number), [CUSTOMERS, 0, 0]);
  });

  it('quality passes clean generated data without removing anyone', () => {
    assert.equal(chain.quality.ok, true);
    assert.equal(chain.quality.removedCustomers, 0);
    assert.equal(chain.quality.keptCustomers, CUSTOMERS);
    assert.deepEqual(
      chain.quality.tables.map((t) => t.table),
      [...LOAN_RAW_TABLES],
    );
  });

  it('gold has one row per labelled loan with the documented columns and types', async () => {
    const { gold } = chain;
    assert.equal(gold.rows, CUSTOMERS);
    assert.equal(gold.positives, chain.silver.find((s) => s.table === 'lms_loan_daily')!.labelStore!.positives);
    assert.deepEqual(gold.features, [...GOLD_NUMERIC_FEATURES, ...GOLD_CATEGORICAL_FEATURES]);
    assert.deepEqual(gold.snapshotRange, { min: '2023-01-01', max: '2025-01-01' });
    const types = await columnTypes(gold.path);
    assert.deepEqual([...types.keys()], [...GOLD_KEY_COLUMNS, ...GOLD_NUMERIC_FEATURES, ...GOLD_CATEGORICAL_FEATURES]);
    for (const f of GOLD_NUMERIC_FEATURES) assert.equal(types.get(f), 'DOUBLE', f);
    for (const f of GOLD_CATEGORICAL_FEATURES) assert.equal(types.get(f), 'VARCHAR', f);
    const [row] = await query(`
      SELECT count(*) FILTER (WHERE snapshot_date <> loan_start_date) AS bad_snapshot,
             count(*) FILTER (WHERE clickstream_months > date_diff('month', DATE '2023-01-01', loan_start_date) + 1) AS future_clicks,
             count(DISTINCT loan_id) AS loans, avg(fe_10_mean) AS fe10, count(Savings_Ratio) AS savings, count(DTI) AS dti
      FROM ${parquet(gold.path)}`);
    assert.equal(Number(row.bad_snapshot), 0);
    assert.equal(Number(row.future_clicks), 0, 'clickstream only up to the loan start');
    assert.equal(Number(row.loans), CUSTOMERS);
    assert.ok(Number(row.savings) > CUSTOMERS * 0.9 && Number(row.dti) > CUSTOMERS * 0.9);
  });

  it('buildGoldForMonth keeps the loans starting in that month, with their known labels', async () => {
    const lms = await readFile(join(rawDir, RAW_TABLES.lms_loan_daily.file), 'utf8');
    const expected = lms.split('\n').filter((line) => /,2024-03-01,10,0,/.test(line)).length;
    const month = await buildGoldForMonth({
      silverDir: chain.silverDir,
      goldDir: chain.goldDir,
      snapshotMonth: '2024-03-01',
    });
    assert.equal(month.snapshotMonth, '2024-03');
    assert.equal(month.rows, expected);
    assert.equal(month.labeled, expected);
    assert.deepEqual(
      [...(await columnTypes(month.path)).keys()],
      [...(await columnTypes(chain.gold.path)).keys()],
      'same columns as the training table',
    );
    await rejectsWithDetails(
      buildGoldForMonth({ silverDir: chain.silverDir, goldDir: chain.goldDir, snapshotMonth: 'March' }),
      { column: 'snapshotMonth' },
    );
  });
});

describe('loan medallion: look-ahead and structural problems', () => {
  let root: string;
  let chain: ChainResult;
  const probe = { id: '', start: '', fe10AtOrBefore: [] as number[] };
  const skipped = { noFeatures: '', duplicate: '', noLoan: 'CUS_0xnoloan' };

  /** Builds a dataset where later snapshots would change the features if the gold layer looked ahead. */
  async function writeTrapData(rawDir: string): Promise<void> {
    const read = async (table: LoanRawTable) =>
      (await readFile(join(rawDir, RAW_TABLES[table].file), 'utf8')).trimEnd().split('\n');
    const write = (table: LoanRawTable, lines: string[]) =>
      writeFile(join(rawDir, RAW_TABLES[table].file), `${lines.join('\n')}\n`);
    const [attributes, financials, clickstream] = await Promise.all([
      read('features_attributes'),
      read('features_financials'),
      read('feature_clickstream'),
    ]);
    const withClicks = new Set(clickstream.slice(1).map((line) => line.split(',')[20]));
    const candidates = attributes.slice(1).filter((line) => {
      const [id, , , , , date] = line.split(',');
      return withClicks.has(id) && date >= '2023-06-01' && date <= '2024-06-01';
    });
    const [probeLine, noFeaturesLine, duplicateLine] = candidates;
    const [id, , , , , start] = probeLine.split(',');
    probe.id = id!;
    probe.start = start!;
    skipped.noFeatures = noFeaturesLine.split(',')[0]!;
    skipped.duplicate = duplicateLine.split(',')[0]!;
    const later = addMonths(probe.start, 1);

    // Clickstream after the loan start gets absurd fe_10 values; a blank Customer_ID row is added.
    const trappedClicks = clickstream.map((line) => {
      const fields = line.split(',');
      if (fields[20] !== probe.id) return line;
      if (fields[21] <= probe.start) {
        probe.fe10AtOrBefore.push(Number(fields[9]));
        return line;
      }
      fields[9] = '99999';
      return fields.join(',');
    });
    trappedClicks.push(`${Array.from({ length: 20 }, () => '1').join(',')},,2023-05-01`);

    // A later attributes/financials snapshot for the probe must not be used for its loan.
    const attrProbe = attributes.find((line) => line.startsWith(`${probe.id},`))!.split(',');
    const laterAttributes = [...attrProbe.slice(0, 2), '99', ...attrProbe.slice(3, 5), later].join(',');
    const finIndex = financials.findIndex((line) => line.startsWith(`${probe.id},`));
    const laterFinancials = financials[finIndex]
      .replace(/,Bad,|,Good,|,Standard,|,_,/, ',Bad,')
      .replace(/[^,]+$/, later);
    const debtColumn = RAW_TABLES.features_financials.columns.indexOf('Outstanding_Debt');
    const laterFinancialsWithDebt = replaceUnquotedField(laterFinancials, debtColumn, '4321.0');

    // Features only after the loan start; a duplicate financials row; a customer without a loan.
    const movedAttributes = attributes.map((line) =>
      line.startsWith(`${skipped.noFeatures},`) ? line.replace(/[^,]+$/, addMonths(line.split(',')[5], 2)) : line,
    );
    const duplicate = financials.find((line) => line.startsWith(`${skipped.duplicate},`))!;
    const noLoanAttributes = `${skipped.noLoan},Nobody,30,123-45-6789,Lawyer,2024-01-01`;
    const noLoanFinancials = financials[1].replace(/^[^,]+/, skipped.noLoan).replace(/[^,]+$/, '2024-01-01');

    await write('feature_clickstream', trappedClicks);
    await write('features_attributes', [...movedAttributes, laterAttributes, noLoanAttributes]);
    await write('features_financials', [...financials, laterFinancialsWithDebt, duplicate, noLoanFinancials]);
  }

  /** Replaces field `index` of a CSV line, honouring one quoted field (Type_of_Loan). */
  function replaceUnquotedField(line: string, index: number, value: string): string {
    const fields = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((f) => f.replace(/,$/, ''));
    fields[index] = value;
    return fields.slice(0, -1).join(',');
  }

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'loan-trap-'));
    const rawDir = join(root, 'raw');
    await writeLoanSampleData(rawDir, { seed: 5, customers: 400 });
    await writeTrapData(rawDir);
    chain = await runChain(rawDir, join(root, 'run'));
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('uses only snapshots on or before the loan start (no look-ahead)', async () => {
    const [row] = await query(`
      SELECT strftime(loan_start_date, '%Y-%m-%d') AS start, fe_10_mean, fe_10_last, clickstream_months,
             Outstanding_Debt, Age, Credit_Mix
      FROM ${parquet(chain.gold.path)} WHERE Customer_ID = ${sqlString(probe.id)}`);
    assert.ok(row, 'probe customer is in gold');
    const mean = probe.fe10AtOrBefore.reduce((a, b) => a + b, 0) / probe.fe10AtOrBefore.length;
    assert.equal(row.start, probe.start);
    assert.equal(Number(row.clickstream_months), probe.fe10AtOrBefore.length);
    assert.ok(Math.abs(Number(row.fe_10_mean) - mean) < 1e-9, `fe_10_mean ${jsonText(row.fe_10_mean)} vs ${mean}`);
    assert.equal(Number(row.fe_10_last), probe.fe10AtOrBefore[probe.fe10AtOrBefore.length - 1]);
    assert.notEqual(Number(row.Outstanding_Debt), 4321, 'later financials snapshot not used');
    assert.notEqual(Number(row.Age), 99, 'later attributes snapshot not used');
  });

  it('flags and removes customers that cannot be trusted, and counts the problems', async () => {
    const { quality } = chain;
    assert.equal(quality.removedCustomers, 3);
    assert.equal(quality.ok, true);
    assert.deepEqual(quality.exclusionReasons, { duplicate_financials: 1, no_features_at_loan_start: 1, no_loan: 1 });
    const issue = (table: LoanRawTable, check: string) =>
      quality.tables.find((t) => t.table === table)!.issues.find((i) => i.check === check)!.count;
    assert.equal(issue('features_financials', 'duplicate_customer_snapshot'), 1);
    assert.equal(issue('feature_clickstream', 'missing_customer_id'), 1);
    assert.equal(issue('features_attributes', 'customer_without_loan'), 1);
    assert.equal(issue('lms_loan_daily', 'no_features_at_loan_start'), 1);
    const excluded = await query(`SELECT Customer_ID FROM ${parquet(quality.path)} ORDER BY Customer_ID`);
    assert.deepEqual(
      excluded.map((r) => r.Customer_ID).sort(),
      [skipped.duplicate, skipped.noFeatures, skipped.noLoan].sort(),
    );
    const inGold = await query(
      `SELECT count(*) AS n FROM ${parquet(chain.gold.path)} WHERE Customer_ID IN (${[skipped.duplicate, skipped.noFeatures].map(sqlString).join(', ')})`,
    );
    assert.equal(Number(inGold[0].n), 0);
    assert.equal(chain.gold.rows, 400 - 2);
    assert.equal(chain.gold.excludedCustomers, 3);
  });
});

describe('loan medallion: typed validation errors', () => {
  let root: string;
  let rawDir: string;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'loan-errors-'));
    rawDir = join(root, 'raw');
    await writeLoanSampleData(rawDir, { seed: 3, customers: 60 });
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('rejects a missing raw file, naming the file', async () => {
    const dir = join(root, 'missing-file');
    await mkdir(dir);
    await rejectsWithDetails(ingestBronze({ rawDir: dir, bronzeDir: join(root, 'b1'), table: 'lms_loan_daily' }), {
      file: 'lms_loan_daily.csv',
      table: 'lms_loan_daily',
    });
  });

  it('rejects a missing required column, naming file and column', async () => {
    const dir = join(root, 'missing-column');
    await cp(rawDir, dir, { recursive: true });
    const path = join(dir, 'features_attributes.csv');
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    const dropAge = (line: string) =>
      line
        .split(',')
        .filter((_, i) => i !== 2)
        .join(',');
    await writeFile(path, `${lines.map(dropAge).join('\n')}\n`);
    await rejectsWithDetails(
      ingestBronze({ rawDir: dir, bronzeDir: join(root, 'b2'), table: 'features_attributes' }),
      { file: 'features_attributes.csv', column: 'Age' },
      /Age/,
    );
  });

  it('rejects an empty table (header only, or no bytes at all)', async () => {
    const dir = join(root, 'empty');
    await cp(rawDir, dir, { recursive: true });
    const path = join(dir, 'feature_clickstream.csv');
    const header = (await readFile(path, 'utf8')).split('\n', 1)[0];
    await writeFile(path, `${header}\n`);
    const input = { rawDir: dir, bronzeDir: join(root, 'b3'), table: 'feature_clickstream' } as const;
    await rejectsWithDetails(ingestBronze(input), { file: 'feature_clickstream.csv' }, /no data rows/);
    await writeFile(path, '');
    await rejectsWithDetails(ingestBronze(input), { file: 'feature_clickstream.csv' }, /empty/);
  });

  it('rejects a malformed CSV line, naming the file and line', async () => {
    const dir = join(root, 'malformed');
    await cp(rawDir, dir, { recursive: true });
    const path = join(dir, 'features_attributes.csv');
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    lines[5] = `${lines[5]},surplus`;
    await writeFile(path, `${lines.join('\n')}\n`);
    await rejectsWithDetails(ingestBronze({ rawDir: dir, bronzeDir: join(root, 'b5'), table: 'features_attributes' }), {
      file: 'features_attributes.csv',
      row: 6,
    });
  });

  it('rejects an unknown table and steps run out of order', async () => {
    await rejectsWithDetails(ingestBronze({ rawDir, bronzeDir: join(root, 'b4'), table: 'loans' as LoanRawTable }), {
      table: 'loans',
    });
    await rejectsWithDetails(
      buildSilver({ bronzeDir: join(root, 'nope'), silverDir: join(root, 's'), table: 'lms_loan_daily' }),
      {
        table: 'lms_loan_daily',
      },
    );
    await rejectsWithDetails(runQualityChecks({ silverDir: join(root, 'nope') }), { table: 'features_attributes' });
  });

  it('quality and gold reject an empty silver table, a missing column or a skipped quality gate', async () => {
    const chain = await runChain(rawDir, join(root, 'run'));
    const emptied = join(root, 'silver-empty');
    await cp(chain.silverDir, emptied, { recursive: true });
    const attributes = join(emptied, SILVER_PATHS.table('features_attributes'));
    await withDuckDb((conn) =>
      atomicWriteParquet(
        conn,
        `SELECT * FROM ${parquet(join(chain.silverDir, SILVER_PATHS.table('features_attributes')))} LIMIT 0`,
        attributes,
      ),
    );
    await rejectsWithDetails(runQualityChecks({ silverDir: emptied }), { table: 'features_attributes' }, /empty/);

    await withDuckDb((conn) =>
      atomicWriteParquet(
        conn,
        `SELECT * EXCLUDE (Customer_ID) FROM ${parquet(join(chain.silverDir, SILVER_PATHS.table('features_attributes')))}`,
        attributes,
      ),
    );
    await rejectsWithDetails(runQualityChecks({ silverDir: emptied }), {
      table: 'features_attributes',
      column: 'Customer_ID',
    });

    const noGate = join(root, 'silver-no-gate');
    await cp(chain.silverDir, noGate, { recursive: true });
    await rm(join(noGate, 'quality'), { recursive: true });
    await assert.rejects(buildGold({ silverDir: noGate, goldDir: join(root, 'g') }), /runQualityChecks/);
  });
});

describe('loan medallion on the real CS611 files', () => {
  const present = existsSync(REAL_LOAN_DIR);
  let root: string;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'loan-real-'));
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it(
    'labels 12,500 loans with 3,602 positives and builds gold in a few seconds',
    { skip: !present && 'real loan data not present' },
    async (t) => {
      const started = performance.now();
      const chain = await runChain(REAL_LOAN_DIR, root);
      const totalMs = Math.round(performance.now() - started);
      t.diagnostic(`real data timings (ms): ${JSON.stringify({ ...chain.timingsMs, total: totalMs })}`);
      const store = chain.silver.find((s) => s.table === 'lms_loan_daily')!.labelStore!;
      assert.deepEqual([store.rows, store.positives], [12500, 3602]);
      assert.deepEqual([chain.gold.rows, chain.gold.positives], [12500, 3602]);
      assert.equal(chain.quality.ok, true);
      assert.equal(chain.quality.removedCustomers, 0);
      const rows = Object.fromEntries(chain.bronze.map((b) => [b.table, b.rows]));
      assert.deepEqual(rows, {
        features_attributes: 12500,
        features_financials: 12500,
        feature_clickstream: 215376,
        lms_loan_daily: 137500,
      });
      const attributes = chain.silver.find((s) => s.table === 'features_attributes')!;
      assert.equal(attributes.nullsSet.Occupation, 880);
      assert.equal(attributes.nullsSet.SSN, 703);
      assert.ok(totalMs < 15000, `chain took ${totalMs} ms`);
    },
  );
});
