/**
 * The CS611 files replicated N times (the 10× and 100× portfolios): replica r > 0 of every row gets
 * `_r<r>` appended to Customer_ID and loan_id, so each replica is a distinct set of customers with the real
 * data's distributions, dirt and history. Written by DuckDB as text (every field as read), one pass per file.
 */
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { jsonText, sqlString, withDuckDb } from '../../src/storage/duckdb.js';
import { runIfEntry } from '../support/entry.js';

const FILES = ['features_attributes.csv', 'features_financials.csv', 'feature_clickstream.csv', 'lms_loan_daily.csv'];

export async function writeReplicatedLoanFiles(sourceDir: string, outDir: string, times: number): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await withDuckDb(async (conn) => {
    for (const file of FILES) {
      const source = `read_csv(${sqlString(join(sourceDir, file))}, all_varchar = true, header = true)`;
      const columns = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`))
        .getRowObjectsJson()
        .map((row) => jsonText(row.column_name));
      const renamed = columns.map((name) =>
        name === 'Customer_ID' || name === 'loan_id'
          ? `CASE WHEN r = 0 THEN "${name}" ELSE "${name}" || '_r' || r END AS "${name}"`
          : `"${name}"`,
      );
      await conn.run(
        `COPY (SELECT ${renamed.join(', ')} FROM ${source}, range(${times}) replicas(r) ORDER BY r)
         TO ${sqlString(join(outDir, file))} (FORMAT csv, HEADER true)`,
      );
    }
  });
}

/**
 * The same, in a child process: the memory DuckDB used for the copy is given back to the system when it
 * exits, so the stack measured afterwards does not carry it.
 */
export function writeReplicatedLoanFilesInChild(sourceDir: string, outDir: string, times: number): Promise<void> {
  const script = fileURLToPath(import.meta.url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, script, sourceDir, outDir, String(times)], {
      stdio: 'inherit',
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`replication exited with ${code}`))));
  });
}

runIfEntry(import.meta.url, async () => {
  const [sourceDir, outDir, times] = process.argv.slice(2);
  await writeReplicatedLoanFiles(sourceDir, outDir, Number(times));
});
