import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../../storage/atomic-file.js';
import { sqlString, withDuckDb } from '../../../storage/duckdb.js';
import { DataValidationError } from '../../../failures.js';
import { ingestBronze } from './bronze.js';
import { SILVER_COMPLETE_MARKER } from './layers.js';
import { runQualityChecks } from './quality.js';
import { LOAN_RAW_TABLES } from './schemas.js';
import { buildSilver, silverTablePath } from './silver.js';
import { normalizeSnapshotMonth } from './gold.js';
import type { LoanLayers } from '../contract.js';

/**
 * Bronze, silver and the quality gate for a data version, unless a finished run already built them
 * (the layers folder is content-addressed, so a finished one is exactly what this data gives).
 */
export async function ensureLoanSilver(layers: LoanLayers): Promise<{ reused: boolean }> {
  const marker = join(layers.layersDir, SILVER_COMPLETE_MARKER);
  const done = await access(marker).then(
    () => true,
    () => false,
  );
  if (done) return { reused: true };
  await Promise.all(
    LOAN_RAW_TABLES.map((table) => ingestBronze({ rawDir: layers.rawDir, bronzeDir: layers.bronzeDir, table })),
  );
  await Promise.all(
    LOAN_RAW_TABLES.map((table) => buildSilver({ bronzeDir: layers.bronzeDir, silverDir: layers.silverDir, table })),
  );
  await runQualityChecks({ silverDir: layers.silverDir });
  await writeJsonAtomic(marker, { fingerprints: layers.fingerprints });
  return { reused: false };
}

/** Months ('YYYY-MM') in which loans start, ascending. */
export async function loanStartMonths(layers: LoanLayers): Promise<string[]> {
  return withDuckDb(async (conn) => {
    const reader = await conn.runAndReadAll(
      `SELECT DISTINCT strftime(loan_start_date, '%Y-%m') AS month
       FROM read_parquet(${sqlString(silverTablePath(layers.silverDir, 'lms_loan_daily'))})
       WHERE loan_start_date IS NOT NULL ORDER BY month`,
    );
    return reader.getRowObjects().map((row) => String(row.month));
  });
}

/**
 * The month to work on: the one asked for (which must have loans), else the latest month with loans at or
 * before the reference time (a schedule's nominal time), so a daily run on live data scores the newest month.
 */
export function chooseSnapshotMonth(months: string[], requested: string | undefined, referenceTime: string): string {
  if (requested) {
    const month = normalizeSnapshotMonth(requested);
    if (!months.includes(month)) {
      throw new DataValidationError(
        `No loans start in ${month} (data covers ${months[0] ?? '-'} to ${months.at(-1) ?? '-'})`,
        {
          column: 'snapshotDate',
        },
      );
    }
    return month;
  }
  const limit = referenceTime.slice(0, 7);
  const candidates = months.filter((m) => m <= limit);
  const chosen = candidates.at(-1) ?? months.at(-1);
  if (!chosen) throw new DataValidationError('The dataset has no loans', { table: 'lms_loan_daily' });
  return chosen;
}
