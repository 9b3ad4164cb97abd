import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sqlString } from '../../../../src/storage/duckdb.js';
import { ingestBronze, type BronzeResult, type LoanRawTable } from '../../../../src/pipelines/loan/medallion/index.js';
import { columnTypes, CUSTOMERS, generatedRawData, query, rejectsWithDetails, throughBronze } from './support.js';

describe('loan bronze on generated data', () => {
  let cleanup: () => Promise<void> = () => Promise.resolve();
  let byTable: Map<LoanRawTable, BronzeResult>;

  before(async () => {
    const data = await generatedRawData('loan-bronze', { seed: 11, customers: CUSTOMERS });
    cleanup = data.cleanup;
    const { bronze } = await throughBronze(data.rawDir, join(data.root, 'run'));
    byTable = new Map(bronze.map((b) => [b.table, b]));
  });

  after(() => cleanup());

  it('keeps every raw row as text, partitioned by snapshot month, with a sha256 fingerprint', async () => {
    assert.equal(byTable.get('features_attributes')!.rows, CUSTOMERS);
    assert.equal(byTable.get('lms_loan_daily')!.rows, CUSTOMERS * 11);
    assert.equal(byTable.get('features_attributes')!.months.length, 25);
    assert.equal(byTable.get('feature_clickstream')!.months.length, 24);
    assert.equal(byTable.get('lms_loan_daily')!.months.length, 35);
    for (const b of byTable.values()) {
      assert.match(b.fingerprint, /^[0-9a-f]{64}$/);
      assert.equal(b.invalidSnapshotRows, 0);
      assert.ok(existsSync(join(b.path, `snapshot_month=${b.months[0]}`)), 'hive partition folder');
    }
    const financials = join(byTable.get('features_financials')!.path, '*', '*.parquet');
    const types = await columnTypes(financials);
    for (const [name, type] of types) if (name !== 'snapshot_month') assert.equal(type, 'VARCHAR', name);
    const dirt = await query(
      `SELECT count(*) FILTER (WHERE Credit_Mix = '_') AS n FROM read_parquet(${sqlString(financials)})`,
    );
    assert.ok(Number(dirt[0].n) > 0, 'bronze is as read (dirt kept)');
  });
});

describe('loan bronze: typed validation errors', () => {
  let root: string;
  let rawDir: string;
  let cleanup: () => Promise<void> = () => Promise.resolve();

  before(async () => {
    ({ root, rawDir, cleanup } = await generatedRawData('loan-bronze-errors', { seed: 3, customers: 60 }));
  });

  after(() => cleanup());

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

  it('rejects an unknown table', async () => {
    await rejectsWithDetails(ingestBronze({ rawDir, bronzeDir: join(root, 'b4'), table: 'loans' as LoanRawTable }), {
      table: 'loans',
    });
  });
});
