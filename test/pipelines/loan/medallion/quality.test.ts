import assert from 'node:assert/strict';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { atomicWriteParquet, withDuckDb } from '../../../../src/storage/duckdb.js';
import {
  LOAN_RAW_TABLES,
  runQualityChecks,
  SILVER_PATHS,
  type LoanRawTable,
  type QualityResult,
} from '../../../../src/pipelines/loan/medallion/index.js';
import {
  CUSTOMERS,
  generatedRawData,
  parquet,
  query,
  rejectsWithDetails,
  throughQuality,
  throughSilver,
  trapRawData,
  type TrapCustomers,
} from './support.js';

describe('loan quality gate on generated data', () => {
  let cleanup: () => Promise<void> = () => Promise.resolve();
  let quality: QualityResult;

  before(async () => {
    const data = await generatedRawData('loan-quality', { seed: 11, customers: CUSTOMERS });
    cleanup = data.cleanup;
    ({ quality } = await throughQuality(data.rawDir, join(data.root, 'run')));
  });

  after(() => cleanup());

  it('passes clean generated data without removing anyone', () => {
    assert.equal(quality.ok, true);
    assert.equal(quality.removedCustomers, 0);
    assert.equal(quality.keptCustomers, CUSTOMERS);
    assert.deepEqual(
      quality.tables.map((t) => t.table),
      [...LOAN_RAW_TABLES],
    );
  });
});

describe('loan quality gate on planted problems', () => {
  let cleanup: () => Promise<void> = () => Promise.resolve();
  let skipped: TrapCustomers['skipped'];
  let quality: QualityResult;

  before(async () => {
    const data = await trapRawData('loan-quality-trap');
    cleanup = data.cleanup;
    skipped = data.skipped;
    ({ quality } = await throughQuality(data.rawDir, join(data.root, 'run')));
  });

  after(() => cleanup());

  it('flags and removes customers that cannot be trusted, and counts the problems', async () => {
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
  });
});

describe('loan quality gate: typed validation errors', () => {
  let root: string;
  let silverDir: string;
  let cleanup: () => Promise<void> = () => Promise.resolve();

  before(async () => {
    const data = await generatedRawData('loan-quality-errors', { seed: 3, customers: 60 });
    ({ root, cleanup } = data);
    ({ silverDir } = await throughSilver(data.rawDir, join(root, 'run')));
  });

  after(() => cleanup());

  it('rejects a silver layer that was never built', async () => {
    await rejectsWithDetails(runQualityChecks({ silverDir: join(root, 'nope') }), { table: 'features_attributes' });
  });

  it('rejects an empty silver table, then a missing required column', async () => {
    const broken = join(root, 'silver-broken');
    await cp(silverDir, broken, { recursive: true });
    const original = parquet(join(silverDir, SILVER_PATHS.table('features_attributes')));
    const attributes = join(broken, SILVER_PATHS.table('features_attributes'));
    await withDuckDb((conn) => atomicWriteParquet(conn, `SELECT * FROM ${original} LIMIT 0`, attributes));
    await rejectsWithDetails(runQualityChecks({ silverDir: broken }), { table: 'features_attributes' }, /empty/);

    await withDuckDb((conn) => atomicWriteParquet(conn, `SELECT * EXCLUDE (Customer_ID) FROM ${original}`, attributes));
    await rejectsWithDetails(runQualityChecks({ silverDir: broken }), {
      table: 'features_attributes',
      column: 'Customer_ID',
    });
  });
});
