import { join } from 'node:path';
import { writeJsonAtomic } from '../../../storage/atomic-file.js';
import { sqlString, withDuckDb } from '../../../storage/duckdb.js';
import { DataValidationError } from '../../../failures.js';
import { ingestBronze } from './bronze.js';
import { SILVER_COMPLETE_MARKER, resolveLoanLayers, silverLayersComplete } from './layers.js';
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
  if (await silverLayersComplete(layers)) return { reused: true };
  await Promise.all(
    LOAN_RAW_TABLES.map((table) => ingestBronze({ rawDir: layers.rawDir, bronzeDir: layers.bronzeDir, table })),
  );
  await Promise.all(
    LOAN_RAW_TABLES.map((table) => buildSilver({ bronzeDir: layers.bronzeDir, silverDir: layers.silverDir, table })),
  );
  await runQualityChecks({ silverDir: layers.silverDir });
  await writeJsonAtomic(join(layers.layersDir, SILVER_COMPLETE_MARKER), { fingerprints: layers.fingerprints });
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
 * The calendar month ('YYYY-MM') of an instant as a clock in `timeZone` shows it: a 06:00 run on the 1st in
 * Asia/Tokyo is 21:00 UTC the day before, and belongs to the new month, not to the UTC one.
 */
export function monthInTimeZone(instant: string, timeZone: string): string {
  const time = new Date(instant);
  if (Number.isNaN(time.getTime())) {
    throw new DataValidationError(`The reference time "${instant}" is not a valid time`, { column: 'referenceTime' });
  }
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit' });
  } catch {
    throw new DataValidationError(`"${timeZone}" is not a known time zone (SCHEDULE_TIMEZONE)`, {
      column: 'scheduleTimeZone',
    });
  }
  const parts = format.formatToParts(time);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year').padStart(4, '0')}-${part('month')}`;
}

/**
 * The month to work on: the one asked for (which must have loans), else the latest month with loans at or
 * before the reference time (a schedule's nominal time), that month taken in the schedule's time zone, so a
 * daily run on live data scores the newest month. A reference time before the first month of data is bad
 * input: scoring the latest month instead would score loans from the run's future.
 */
export function chooseSnapshotMonth(
  months: string[],
  requested: string | undefined,
  referenceTime: string,
  timeZone: string,
): string {
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
  const first = months[0];
  if (first === undefined) throw new DataValidationError('The dataset has no loans', { table: 'lms_loan_daily' });
  const limit = monthInTimeZone(referenceTime, timeZone);
  const chosen = months.filter((m) => m <= limit).at(-1);
  if (!chosen) {
    throw new DataValidationError(
      `No loans start in or before ${limit} (${timeZone}), the month of ${referenceTime}: the data begins in ${first}`,
      { table: 'lms_loan_daily', column: 'loan_start_date' },
    );
  }
  return chosen;
}

/**
 * What inference and monitoring start from: the current data version's layers (silver built unless a
 * finished run already did), the months with loans, and the month to work on.
 */
export async function prepareLoanSnapshot(
  dataDir: string,
  request: { dataset: string; snapshotDate?: string; referenceTime: string },
  timeZone: string,
): Promise<{ layers: LoanLayers; months: string[]; snapshotMonth: string }> {
  const layers = await resolveLoanLayers(dataDir, request.dataset);
  await ensureLoanSilver(layers);
  const months = await loanStartMonths(layers);
  const snapshotMonth = chooseSnapshotMonth(months, request.snapshotDate, request.referenceTime, timeZone);
  return { layers, months, snapshotMonth };
}
