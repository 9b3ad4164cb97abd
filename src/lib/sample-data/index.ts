import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { LOAN_RAW_TABLES, RAW_TABLES } from '../loan/schemas.js';
import { writeLoanSampleData } from './loan.js';
import { writeSegmentationSampleData } from './segmentation.js';

export interface WriteReport {
  written: string[];
  skipped: string[];
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * The four loan files share customer IDs, so they are written together or not at all: any existing one
 * keeps the whole set unless overwrite (the loan writer itself always overwrites).
 */
export async function writeLoanSamples(dataDir: string, seed: number, overwrite: boolean): Promise<WriteReport> {
  const loanDir = join(dataDir, 'loan');
  const paths = LOAN_RAW_TABLES.map((table) => join(loanDir, RAW_TABLES[table].file));
  const existing = (await Promise.all(paths.map(async (path) => ((await exists(path)) ? [path] : [])))).flat();
  if (existing.length > 0 && !overwrite) return { written: [], skipped: existing };
  const { files } = await writeLoanSampleData(loanDir, { seed });
  return { written: Object.values(files), skipped: [] };
}

/** Every sample dataset the demo and the docs use: segmentation CSVs at the top of the data dir, loan CSVs in loan/. */
export async function writeSampleData(
  dataDir: string,
  opts: { seed?: number; overwrite?: boolean } = {},
): Promise<{ segmentation: WriteReport; loan: WriteReport }> {
  const seed = opts.seed ?? 42;
  const overwrite = opts.overwrite ?? false;
  return {
    segmentation: await writeSegmentationSampleData(dataDir, { seed, overwrite }),
    loan: await writeLoanSamples(dataDir, seed, overwrite),
  };
}
