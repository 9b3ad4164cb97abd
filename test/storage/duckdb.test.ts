import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterEach, describe, it } from 'node:test';

import { PER_TABLE_DUCKDB } from '../../src/pipelines/loan/medallion/schemas.js';
import { duckDbMemoryLimit, jsonText, withDuckDb } from '../../src/storage/duckdb.js';

describe('withDuckDb', () => {
  const previous = process.env.DUCKDB_MEMORY_LIMIT;
  afterEach(() => {
    if (previous === undefined) delete process.env.DUCKDB_MEMORY_LIMIT;
    else process.env.DUCKDB_MEMORY_LIMIT = previous;
  });

  it('caps each instance at DUCKDB_MEMORY_LIMIT (1 GB by default), not DuckDB’s 80% of the machine', async () => {
    assert.equal(duckDbMemoryLimit({}), '1GB');
    process.env.DUCKDB_MEMORY_LIMIT = '300MB';
    const setting = await withDuckDb(async (conn) => {
      const reader = await conn.runAndReadAll(`SELECT current_setting('memory_limit') AS v`);
      return jsonText(reader.getRowObjectsJson()[0].v);
    });
    // DuckDB reports the limit in its own units (300MB = 286.1 MiB).
    assert.match(setting, /^286\.\d MiB$/);
  });

  it("a loan table's bronze or silver instance runs on one thread with a quarter of the budget", async () => {
    delete process.env.DUCKDB_MEMORY_LIMIT;
    const settings = await withDuckDb(async (conn) => {
      const reader = await conn.runAndReadAll(
        `SELECT current_setting('threads') AS threads, current_setting('memory_limit') AS memory`,
      );
      const [row] = reader.getRowObjectsJson();
      return { threads: Number(row.threads), memory: jsonText(row.memory) };
    }, PER_TABLE_DUCKDB);
    // 250MB in DuckDB's units.
    assert.deepEqual(settings, { threads: 1, memory: '238.4 MiB' });
  });

  it('keeps insertion order unless told the step orders what it needs (gold)', async () => {
    const setting = (options?: { preserveInsertionOrder: boolean }) =>
      withDuckDb(async (conn) => {
        const reader = await conn.runAndReadAll(`SELECT current_setting('preserve_insertion_order') AS kept`);
        return reader.getRowObjectsJson()[0].kept;
      }, options);
    assert.equal(await setting(), true);
    assert.equal(await setting({ preserveInsertionOrder: false }), false);
  });

  it('an instance opened with a share gets that share of the budget; a budget that is no size is refused', () => {
    assert.equal(duckDbMemoryLimit({}, 1 / 4), '250MB');
    assert.equal(duckDbMemoryLimit({ DUCKDB_MEMORY_LIMIT: '512MiB' }, 1 / 4), '134MB');
    assert.equal(duckDbMemoryLimit({ DUCKDB_MEMORY_LIMIT: '2GB' }), '2GB');
    assert.throws(() => duckDbMemoryLimit({ DUCKDB_MEMORY_LIMIT: 'lots' }), /DUCKDB_MEMORY_LIMIT must be a size/);
  });

  it('running out of it names the variable to raise, and leaves no spill folder behind', async () => {
    process.env.DUCKDB_MEMORY_LIMIT = '2MB';
    const spillFolders = async () =>
      (await readdir(tmpdir())).filter((name) => name.startsWith(`duckdb-spill-${process.pid}-`));
    await assert.rejects(
      withDuckDb((conn) => conn.run(`SELECT list(i) FROM range(5000000) t(i)`)),
      (err: Error) => /Out of Memory/.test(err.message) && /DUCKDB_MEMORY_LIMIT=2MB/.test(err.message),
    );
    assert.deepEqual(await spillFolders(), []);
  });
});
