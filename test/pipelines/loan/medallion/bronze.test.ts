import assert from 'node:assert/strict';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
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

  it('keeps every raw row as text in one file per table, with its snapshot month and a sha256 fingerprint', async () => {
    assert.equal(byTable.get('features_attributes')!.rows, CUSTOMERS);
    assert.equal(byTable.get('lms_loan_daily')!.rows, CUSTOMERS * 11);
    assert.equal(byTable.get('features_attributes')!.months.length, 25);
    assert.equal(byTable.get('feature_clickstream')!.months.length, 24);
    assert.equal(byTable.get('lms_loan_daily')!.months.length, 35);
    for (const b of byTable.values()) {
      assert.match(b.fingerprint, /^[0-9a-f]{64}$/);
      assert.equal(b.invalidSnapshotRows, 0);
      assert.equal(b.path, join(dirname(b.path), `${b.table}.parquet`));
      const perMonth = await query(
        `SELECT snapshot_month, count(*)::INTEGER AS n FROM read_parquet(${sqlString(b.path)}) GROUP BY 1 ORDER BY 1`,
      );
      assert.deepEqual(
        perMonth.map((r) => r.snapshot_month),
        b.months,
        `${b.table}: snapshot_month per row`,
      );
      assert.equal(
        perMonth.reduce((sum, r) => sum + Number(r.n), 0),
        b.rows,
      );
    }
    const financials = byTable.get('features_financials')!.path;
    const types = await columnTypes(financials);
    assert.equal(types.get('snapshot_month'), 'VARCHAR');
    for (const type of types.values()) assert.equal(type, 'VARCHAR');
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

  it('keeps rows whose snapshot_date is unreadable, counted apart from the months', async () => {
    const dir = join(root, 'bad-date');
    await cp(rawDir, dir, { recursive: true });
    const path = join(dir, 'features_attributes.csv');
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    const dateAt = lines[0].split(',').indexOf('snapshot_date');
    const cells = lines[3].split(',');
    cells[dateAt] = '2023-13-45';
    lines[3] = cells.join(',');
    await writeFile(path, `${lines.join('\n')}\n`);
    const b = await ingestBronze({ rawDir: dir, bronzeDir: join(root, 'b6'), table: 'features_attributes' });
    assert.equal(b.rows, lines.length - 1);
    assert.equal(b.invalidSnapshotRows, 1);
    assert.ok(!b.months.includes('invalid'));
    const kept = await query(
      `SELECT snapshot_date FROM read_parquet(${sqlString(b.path)}) WHERE snapshot_month = 'invalid'`,
    );
    assert.deepEqual(kept, [{ snapshot_date: '2023-13-45' }]);
  });

  it('rejects an unknown table', async () => {
    await rejectsWithDetails(ingestBronze({ rawDir, bronzeDir: join(root, 'b4'), table: 'loans' as LoanRawTable }), {
      table: 'loans',
    });
  });
});
