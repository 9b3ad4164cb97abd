import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { jsonText, sqlString } from '../../../../src/storage/duckdb.js';
import {
  buildGold,
  buildGoldForMonth,
  GOLD_CATEGORICAL_FEATURES,
  GOLD_KEY_COLUMNS,
  GOLD_NUMERIC_FEATURES,
  RAW_TABLES,
} from '../../../../src/pipelines/loan/medallion/index.js';
import {
  columnTypes,
  CUSTOMERS,
  generatedRawData,
  parquet,
  query,
  rejectsWithDetails,
  silverOf,
  throughGold,
  throughSilver,
  TRAP_CUSTOMERS,
  trapRawData,
  type FullChain,
  type TrapCustomers,
} from './support.js';

describe('loan gold on generated data', () => {
  let cleanup: () => Promise<void> = () => Promise.resolve();
  let rawDir: string;
  let chain: FullChain;

  before(async () => {
    const data = await generatedRawData('loan-gold', { seed: 11, customers: CUSTOMERS });
    ({ rawDir, cleanup } = data);
    chain = await throughGold(rawDir, join(data.root, 'run'));
  });

  after(() => cleanup());

  it('has one row per labelled loan with the documented columns and types', async () => {
    const { gold } = chain;
    assert.equal(gold.rows, CUSTOMERS);
    assert.equal(gold.positives, silverOf(chain.silver, 'lms_loan_daily').labelStore!.positives);
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

  it('is written in loan start and id order, and leaves no scratch file beside it', async () => {
    const { gold } = chain;
    const [order] = await query(`
      SELECT count(*) FILTER (WHERE previous_id IS NOT NULL AND (loan_start_date, loan_id) < (previous_start, previous_id))
        AS out_of_order
      FROM (SELECT loan_start_date, loan_id, lag(loan_start_date) OVER () AS previous_start, lag(loan_id) OVER () AS previous_id
            FROM ${parquet(gold.path)})`);
    assert.equal(Number(order.out_of_order), 0);
    // The clickstream aggregates go through a scratch file of their own DuckDB instance (gold.ts).
    assert.deepEqual(await readdir(dirname(gold.path)), [basename(gold.path)]);
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

describe('loan gold on planted problems', () => {
  let cleanup: () => Promise<void> = () => Promise.resolve();
  let trap: TrapCustomers;
  let chain: FullChain;

  before(async () => {
    const data = await trapRawData('loan-gold-trap');
    cleanup = data.cleanup;
    trap = data;
    chain = await throughGold(data.rawDir, join(data.root, 'run'));
  });

  after(() => cleanup());

  it('uses only snapshots on or before the loan start (no look-ahead)', async () => {
    const { probe } = trap;
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
    // The snapshot on the start day, not the later one (look-ahead) nor the earlier one (not the latest).
    assert.equal(Number(row.Outstanding_Debt), probe.outstandingDebt);
    assert.equal(Number(row.Age), probe.age);
  });

  it('leaves out the customers the quality gate excluded', async () => {
    const { skipped } = trap;
    const inGold = await query(
      `SELECT count(*) AS n FROM ${parquet(chain.gold.path)} WHERE Customer_ID IN (${[skipped.duplicate, skipped.noFeatures].map(sqlString).join(', ')})`,
    );
    assert.equal(Number(inGold[0].n), 0);
    assert.equal(chain.gold.rows, TRAP_CUSTOMERS - 2);
    assert.equal(chain.gold.excludedCustomers, 3);
  });
});

describe('loan gold: typed validation errors', () => {
  it('refuses to build from a silver layer the quality gate has not passed', async () => {
    const data = await generatedRawData('loan-gold-errors', { seed: 3, customers: 60 });
    try {
      const { silverDir } = await throughSilver(data.rawDir, join(data.root, 'run'));
      await assert.rejects(buildGold({ silverDir, goldDir: join(data.root, 'g') }), /runQualityChecks/);
    } finally {
      await data.cleanup();
    }
  });
});
