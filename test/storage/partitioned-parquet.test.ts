import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { atomicWritePartitionedParquet, sqlString, withDuckDb } from '../../src/storage/duckdb.js';

describe('atomicWritePartitionedParquet', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'partitioned-parquet-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('concurrent writers of the same folder all succeed and leave one complete copy', async () => {
    const outDir = join(dir, 'table');
    const select = `SELECT i, i % 4 AS part FROM range(2000) t(i)`;
    // Eight runs on the same data write the same layer at once (the ENOTEMPTY race of the final rename).
    await Promise.all(
      Array.from({ length: 8 }, () =>
        withDuckDb((conn) => atomicWritePartitionedParquet(conn, select, outDir, ['part'])),
      ),
    );
    const rows = await withDuckDb(async (conn) => {
      const reader = await conn.runAndReadAll(
        `SELECT count(*)::INTEGER AS n, count(DISTINCT i)::INTEGER AS distinct_i
         FROM read_parquet(${sqlString(join(outDir, '**', '*.parquet'))}, hive_partitioning = true)`,
      );
      return reader.getRowObjectsJson()[0];
    });
    assert.deepEqual(rows, { n: 2000, distinct_i: 2000 });
    assert.deepEqual((await readdir(dir)).sort(), ['table'], 'no temp or moved-aside folder is left');
  });

  it('never replaces a published folder, so a run reading it keeps its files', async () => {
    const outDir = join(dir, 'published');
    const write = () =>
      withDuckDb((conn) => atomicWritePartitionedParquet(conn, 'SELECT 1 AS i, 0 AS part', outDir, ['part']));
    await write();
    const file = join(outDir, 'part=0', 'data_0.parquet');
    const before = await stat(file);
    await write();
    assert.equal((await stat(file)).ino, before.ino, 'the same file, not a replacement');
  });
});
