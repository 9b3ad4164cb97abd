import { DuckDBInstance, type DuckDBConnection, type Json } from '@duckdb/node-api';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { tempSiblingPath } from './atomic-file.js';

export type { DuckDBConnection } from '@duckdb/node-api';

export interface DuckDbOptions {
  /** DuckDB worker threads; defaults to DuckDB's choice (all cores). */
  threads?: number;
  /**
   * The share of DUCKDB_MEMORY_LIMIT this instance may use (default 1): steps that open several instances at
   * once (the four loan tables) split the budget instead of each taking all of it.
   */
  memoryShare?: number;
  /**
   * False lets DuckDB drop the row order of results without ORDER BY (its `preserve_insertion_order`), for steps
   * whose every ordered output says ORDER BY: it then need not buffer rows to keep their order.
   */
  preserveInsertionOrder?: boolean;
}

/**
 * Memory a step's DuckDB may use before it spills to disk: DUCKDB_MEMORY_LIMIT (e.g. '1GB', '512MB'),
 * default 1 GB, of which an instance opened with `memoryShare` s gets s. DuckDB's own default is 80% of
 * the machine's memory for every instance, and the loan layers open four at once.
 */
export function duckDbMemoryLimit(env: NodeJS.ProcessEnv = process.env, share = 1): string {
  const configured = env.DUCKDB_MEMORY_LIMIT?.trim() || '1GB';
  const match = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?$/i.exec(configured);
  if (!match) {
    throw new Error(`DUCKDB_MEMORY_LIMIT must be a size such as 1GB or 512MB, got "${configured}"`);
  }
  if (share === 1) return configured;
  const units: Record<string, number> = {
    b: 1,
    kb: 1e3,
    mb: 1e6,
    gb: 1e9,
    tb: 1e12,
    kib: 2 ** 10,
    mib: 2 ** 20,
    gib: 2 ** 30,
    tib: 2 ** 40,
  };
  const bytes = Number(match[1]) * units[(match[2] ?? 'b').toLowerCase()];
  return `${Math.max(1, Math.floor((bytes * share) / 1e6))}MB`;
}

/**
 * Runs `fn` against a fresh in-memory DuckDB and always closes it. Each call is independent, so
 * activities running in parallel never share a connection or its state.
 */
export async function withDuckDb<T>(
  fn: (conn: DuckDBConnection) => Promise<T>,
  options: DuckDbOptions = {},
): Promise<T> {
  const config: Record<string, string> = {
    memory_limit: duckDbMemoryLimit(process.env, options.memoryShare),
    // Spills of an in-memory database go to a folder of this instance's own (instances name their spill
    // files alike), in the system's temp folder rather than '.tmp' in the working directory.
    temp_directory: join(tmpdir(), `duckdb-spill-${process.pid}-${randomUUID()}`),
  };
  if (options.threads !== undefined) config.threads = String(options.threads);
  if (options.preserveInsertionOrder === false) config.preserve_insertion_order = 'false';
  const instance = await DuckDBInstance.create(':memory:', config);
  try {
    const conn = await instance.connect();
    try {
      return await fn(conn);
    } catch (err) {
      // DuckDB's advice names its SQL settings; an operator sets the environment variable.
      if (isDuckDbOutOfMemory(err)) {
        err.message += `\n(This DuckDB instance may use DUCKDB_MEMORY_LIMIT=${config.memory_limit}: raise it for data this size.)`;
      }
      throw err;
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
    await rm(config.temp_directory, { recursive: true, force: true });
  }
}

/** A JSON-converted DuckDB value as text (dates and VARCHARs arrive as strings; NULL becomes ''). */
export function jsonText(value: Json | undefined): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Quotes an SQL string literal (file paths, values). */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * Rows per Parquet row group, a quarter of DuckDB's default: the writer holds a row group of every column in
 * memory, so at DuckDB's 122,880 the four 10× bronze tables written at once peaked 140 MB higher (silver
 * 75 MB), for no gain in time.
 */
const PARQUET_ROW_GROUP_ROWS = 30_720;

/** Writes the result of `selectSql` to one Parquet file: readers see the old file or the new one, never half. */
export async function atomicWriteParquet(conn: DuckDBConnection, selectSql: string, outPath: string): Promise<void> {
  await mkdir(dirname(outPath), { recursive: true });
  const tmp = tempSiblingPath(outPath);
  try {
    await conn.run(
      `COPY (${selectSql}) TO ${sqlString(tmp)} (FORMAT parquet, ROW_GROUP_SIZE ${PARQUET_ROW_GROUP_ROWS})`,
    );
    await rename(tmp, outPath);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** DuckDB's error when a statement needs more than its memory limit and cannot spill what it holds. */
export function isDuckDbOutOfMemory(err: unknown): err is Error {
  return err instanceof Error && err.message.startsWith('Out of Memory Error');
}

/** Streams a file through SHA-256 (hex), so large CSVs are never held in memory. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
