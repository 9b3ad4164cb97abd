/** Writes every sample dataset into a data dir: segmentation CSVs, loan CSVs and the drifted loan copy. */
import { join } from 'node:path';
import { LOAN_RAW_TABLES, RAW_TABLES } from '../pipelines/loan/medallion/schemas.js';
import { fileExists } from '../storage/atomic-file.js';
import { writeLoanSampleData } from './loan.js';
import { writeSegmentationSampleData } from './segmentation.js';

export interface WriteReport {
  written: string[];
  skipped: string[];
}

/** About 200 new loans a month: enough that a month's PSI and precision are not dominated by sampling noise. */
export const LOAN_SAMPLE_CUSTOMERS = 5000;

/**
 * The four loan files share customer IDs, so they are written together or not at all: any existing one
 * keeps the whole set unless overwrite (the loan writer itself always overwrites).
 */
export async function writeLoanSamples(
  dataDir: string,
  seed: number,
  overwrite: boolean,
  folder = 'loan',
  options: { driftFromMonth?: string; customers?: number } = {},
): Promise<WriteReport> {
  const loanDir = join(dataDir, folder);
  const paths = LOAN_RAW_TABLES.map((table) => join(loanDir, RAW_TABLES[table].file));
  const existing = (await Promise.all(paths.map(async (path) => ((await fileExists(path)) ? [path] : [])))).flat();
  if (existing.length > 0 && !overwrite) return { written: [], skipped: existing };
  const { files } = await writeLoanSampleData(loanDir, {
    seed,
    ...options,
    customers: options.customers ?? LOAN_SAMPLE_CUSTOMERS,
  });
  return { written: Object.values(files), skipped: [] };
}

/** A copy of the loan sample whose later months drift: what the monitoring demo's governance gate catches. */
export const DRIFTED_LOAN_SAMPLE = { folder: 'loan_drift', driftFromMonth: '2024-07-01' } as const;

/**
 * Every sample dataset the demo and the docs use: segmentation CSVs at the top of the data dir, loan CSVs in
 * loan/, and the drifted loan copy in loan_drift/.
 */
export async function writeSampleData(
  dataDir: string,
  opts: { seed?: number; overwrite?: boolean; loanCustomers?: number } = {},
): Promise<{ segmentation: WriteReport; loan: WriteReport; loanDrift: WriteReport }> {
  const seed = opts.seed ?? 42;
  const overwrite = opts.overwrite ?? false;
  const customers = opts.loanCustomers;
  return {
    segmentation: await writeSegmentationSampleData(dataDir, { seed, overwrite }),
    loan: await writeLoanSamples(dataDir, seed, overwrite, 'loan', { customers }),
    loanDrift: await writeLoanSamples(dataDir, seed, overwrite, DRIFTED_LOAN_SAMPLE.folder, {
      driftFromMonth: DRIFTED_LOAN_SAMPLE.driftFromMonth,
      customers,
    }),
  };
}
