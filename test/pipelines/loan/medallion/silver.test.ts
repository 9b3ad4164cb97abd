import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { jsonText } from '../../../../src/storage/duckdb.js';
import { buildSilver, SILVER_PATHS, type SilverResult } from '../../../../src/pipelines/loan/medallion/index.js';
import { bronzeTablePath } from '../../../../src/pipelines/loan/medallion/bronze.js';
import { SILVER_COLUMNS } from '../../../../src/pipelines/loan/medallion/silver.js';
import {
  addMonths,
  columnTypes,
  CUSTOMERS,
  generatedRawData,
  parquet,
  query,
  rejectsWithDetails,
  silverOf,
  throughSilver,
} from './support.js';

describe('loan silver on generated data', () => {
  let cleanup: () => Promise<void> = () => Promise.resolve();
  let silverDir: string;
  let bronzeDir: string;
  let silver: SilverResult[];

  before(async () => {
    const data = await generatedRawData('loan-silver', { seed: 11, customers: CUSTOMERS });
    cleanup = data.cleanup;
    ({ silverDir, bronzeDir, silver } = await throughSilver(data.rawDir, join(data.root, 'run')));
  });

  after(() => cleanup());

  it('cleans the dirt: sentinels NULL, underscores stripped, ranges checked, types cast', async () => {
    const attributes = join(silverDir, SILVER_PATHS.table('features_attributes'));
    const financials = join(silverDir, SILVER_PATHS.table('features_financials'));
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
    const silverFin = silverOf(silver, 'features_financials');
    assert.ok(silverFin.nullsSet.Credit_Mix > 0 && silverFin.nullsSet.Amount_invested_monthly > 0);
    assert.ok(silverOf(silver, 'features_attributes').nullsSet.Age > 0);
  });

  it('counts, per column, the values present in bronze that cleaning set to NULL, row by row', async () => {
    for (const result of silver) {
      // Silver keeps bronze's row order, so the two files line up row by row.
      const bronze = parquet(bronzeTablePath(bronzeDir, result.table));
      const rawOf = (name: string) => (name === 'Credit_History_Months' ? 'Credit_History_Age' : name);
      const names = Object.keys(result.nullsSet);
      assert.deepEqual(
        names,
        SILVER_COLUMNS[result.table].filter((name) => names.includes(name)),
      );
      const counts = names.map(
        (name, i) => `count(*) FILTER (WHERE b."${rawOf(name)}" IS NOT NULL AND s."${name}" IS NULL)::INTEGER AS c${i}`,
      );
      const [row] = await query(
        `SELECT count(*)::INTEGER AS rows, ${counts.join(', ')} FROM ${bronze} b POSITIONAL JOIN ${parquet(result.path)} s`,
      );
      assert.equal(result.rows, Number(row.rows), result.table);
      const expected = Object.fromEntries(names.map((name, i) => [name, Number(row[`c${i}`])]));
      assert.deepEqual(result.nullsSet, expected, result.table);
    }
    const total = silver.reduce((sum, r) => sum + Object.values(r.nullsSet).reduce((a, b) => a + b, 0), 0);
    assert.ok(total > 0, 'the generated dirt set some values to NULL');
  });

  it('LMS derives mob, installments_missed, first_missed_date and dpd as in the course', async () => {
    const lms = join(silverDir, SILVER_PATHS.table('lms_loan_daily'));
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
    const store = silverOf(silver, 'lms_loan_daily').labelStore!;
    assert.equal(store.rows, CUSTOMERS);
    const rate = store.positives / store.rows;
    assert.ok(rate > 0.22 && rate < 0.34, `label rate ${rate}`);
    const [row] = await query(`
      SELECT count(DISTINCT loan_id) AS loans, count(*) FILTER (WHERE label_def <> '30dpd_6mob') AS other_defs,
             count(*) FILTER (WHERE snapshot_date <> loan_start_date + INTERVAL 6 MONTH) AS not_mob6
      FROM ${parquet(store.path)}`);
    assert.deepEqual([row.loans, row.other_defs, row.not_mob6].map(Number), [CUSTOMERS, 0, 0]);
  });
});

describe('loan silver: typed validation errors', () => {
  it('rejects a table whose bronze layer was never built', async () => {
    const root = await mkdtemp(join(tmpdir(), 'loan-silver-errors-'));
    try {
      await rejectsWithDetails(
        buildSilver({ bronzeDir: join(root, 'nope'), silverDir: join(root, 's'), table: 'lms_loan_daily' }),
        { table: 'lms_loan_daily' },
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
