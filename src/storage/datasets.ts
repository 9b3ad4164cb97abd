import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { DataValidationError } from '../failures.js';

/**
 * Resolves a dataset name (a file or folder name, possibly in a sub-folder) inside the data dir.
 * Absolute paths and anything that escapes the data dir are refused, so an API caller can never read
 * a file the operator did not put there.
 */
export function resolveInsideDataDir(dataDir: string, name: string, what = 'dataset'): string {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new DataValidationError(`The ${what} name is empty`, { file: name });
  }
  if (isAbsolute(name) || name.includes('\0')) {
    throw new DataValidationError(`The ${what} "${name}" must be a name inside the data dir, not a path`, {
      file: name,
    });
  }
  const root = resolve(dataDir);
  const full = resolve(root, name);
  const rel = relative(root, full);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new DataValidationError(`The ${what} "${name}" resolves outside the data dir`, { file: name });
  }
  return full;
}

/** A CSV file inside the data dir that exists. */
export async function resolveCsvDataset(dataDir: string, name: string, what = 'dataset'): Promise<string> {
  const path = resolveInsideDataDir(dataDir, name, what);
  if (!name.toLowerCase().endsWith('.csv')) {
    throw new DataValidationError(`The ${what} "${name}" is not a .csv file`, { file: name });
  }
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile())
    throw new DataValidationError(`Unknown ${what} "${name}": no such file in the data dir`, { file: name });
  return path;
}

/** A folder inside the data dir that exists (the loan pipelines take a folder of four CSVs). */
export async function resolveDatasetFolder(dataDir: string, name: string, what = 'dataset'): Promise<string> {
  const path = resolveInsideDataDir(dataDir, name, what);
  const info = await stat(path).catch(() => undefined);
  if (!info?.isDirectory())
    throw new DataValidationError(`Unknown ${what} "${name}": no such folder in the data dir`, { file: name });
  return path;
}
