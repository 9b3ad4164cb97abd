import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { resolveDatasetFolder } from '../../../storage/datasets.js';
import { fileExists, safeFileName } from '../../../storage/atomic-file.js';
import { sha256File } from '../../../storage/duckdb.js';
import { DataValidationError } from '../../../failures.js';
import { LOAN_RAW_TABLES, RAW_TABLES } from './schemas.js';
import type { LoanLayers } from '../contract.js';

/** Written last into a layers folder: its presence means bronze, silver and the quality gate all finished. */
export const SILVER_COMPLETE_MARKER = '_SILVER_COMPLETE.json';

/** Whether bronze, silver and the quality gate of these layers all finished (their marker is written last). */
export function silverLayersComplete(layers: Pick<LoanLayers, 'layersDir'>): Promise<boolean> {
  return fileExists(join(layers.layersDir, SILVER_COMPLETE_MARKER));
}

/**
 * The dataset's folder, once each of its four raw files is there (a missing one is bad input, named). Nothing
 * is read: the API checks this before it starts a run, and hashing the files there (356 MB at ten times the
 * CS611 data) only to find the layers is the worker's job (resolveLoanLayers).
 */
export async function requireLoanRawFiles(dataDir: string, dataset: string): Promise<string> {
  const rawDir = await resolveDatasetFolder(dataDir, dataset);
  for (const table of LOAN_RAW_TABLES) {
    const file = RAW_TABLES[table].file;
    if (!(await fileExists(join(rawDir, file)))) {
      throw new DataValidationError(`Dataset "${dataset}" lacks ${file}`, { file, table });
    }
  }
  return rawDir;
}

/** The medallion layers of one dataset version live under DATA_DIR/lakehouse/<dataset>/<content hash>. */
export async function resolveLoanLayers(dataDir: string, dataset: string): Promise<LoanLayers> {
  const rawDir = await requireLoanRawFiles(dataDir, dataset);
  const fingerprints: Record<string, string> = {};
  for (const table of LOAN_RAW_TABLES) fingerprints[table] = await sha256File(join(rawDir, RAW_TABLES[table].file));
  const version = createHash('sha256').update(JSON.stringify(fingerprints)).digest('hex').slice(0, 16);
  const layersDir = join(dataDir, 'lakehouse', safeFileName(dataset), version);
  return {
    dataset,
    rawDir,
    layersDir,
    bronzeDir: join(layersDir, 'bronze'),
    silverDir: join(layersDir, 'silver'),
    goldDir: join(layersDir, 'gold'),
    fingerprints,
  };
}
