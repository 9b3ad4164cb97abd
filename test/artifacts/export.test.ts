import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exportParquet } from '../../src/artifacts/export.js';
import { withDuckDb } from '../../src/storage/duckdb.js';
import { writeRowsAsParquet } from '../../src/storage/parquet.js';

describe('Parquet artifacts as CSV and JSON', () => {
  let dir: string;
  let path: string;
  const rows = [
    { row_index: 0, cluster: 1, label: 'plain', probabilities: [0.25, 0.75] },
    { row_index: 1, cluster: null, label: 'has, a "comma"', probabilities: null },
    { row_index: 2, cluster: 0, label: 'line\nbreak', probabilities: [1, 0] },
  ];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'artifact-export-test-'));
    path = join(dir, 'table.parquet');
    await withDuckDb((conn) =>
      writeRowsAsParquet(
        conn,
        rows,
        { row_index: 'BIGINT', cluster: 'INTEGER', label: 'VARCHAR', probabilities: 'DOUBLE[]' },
        path,
      ),
    );
  });

  after(() => rm(dir, { recursive: true, force: true }));

  it('JSON is one array with a row object per Parquet row, NULLs and lists kept', async () => {
    const parsed = JSON.parse((await exportParquet(path, 'json')).toString('utf8')) as Record<string, unknown>[];
    assert.deepEqual(parsed, rows);
  });

  it('CSV has the header row and quotes what needs quoting', async () => {
    const csv = (await exportParquet(path, 'csv')).toString('utf8');
    const [header, first] = csv.split('\n');
    assert.equal(header, 'row_index,cluster,label,probabilities');
    assert.match(first, /^0,1,plain,"?\[0\.25, 0\.75\]"?$/);
    assert.ok(csv.includes('"has, a ""comma"""'), csv);
    assert.ok(csv.includes('"line\nbreak"'), csv);
  });

  it('leaves no temp files behind', async () => {
    const before = (await readdir(tmpdir())).filter((name) => name.startsWith('artifact-export-'));
    await exportParquet(path, 'csv');
    const after = (await readdir(tmpdir())).filter((name) => name.startsWith('artifact-export-'));
    assert.deepEqual(after.sort(), before.sort());
  });
});
