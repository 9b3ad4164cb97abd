/**
 * A segmentation run's workspace: what the first step writes for the later ones, so nothing is parsed or
 * scaled twice. The scaled rows are a raw row-major Float64 file (read in one call, shared with the compute
 * threads without a copy); each fitted k leaves its model in `sweep/`, so the final model is the sweep's own,
 * not a refit.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../../storage/atomic-file.js';
import type { FittedK } from './fit-task.js';
import type { MinMaxScaler } from './model.js';

export const workspaceFiles = (workDir: string) => ({
  /** The rows with every feature, unscaled, with their row_index (the cluster map reads them). */
  clean: join(workDir, 'clean.parquet'),
  scaler: join(workDir, 'scaler.json'),
  /** The clean rows scaled, row-major Float64 in native byte order (the file
   * lives and dies with the run on this machine). */
  scaled: join(workDir, 'scaled.f64'),
  testInput: join(workDir, 'test-input.parquet'),
  testPredictions: join(workDir, 'test-predictions.parquet'),
  fittedK: (k: number) => join(workDir, 'sweep', `k-${k}.json`),
});

export async function writeScaledMatrix(path: string, data: Float64Array): Promise<void> {
  await writeFileAtomic(path, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

/** The scaled rows in shared memory: every pool thread that fits a k reads the same bytes. */
export async function readScaledMatrix(path: string, rows: number, cols: number): Promise<Float64Array> {
  const bytes = await readFile(path);
  if (bytes.byteLength !== rows * cols * Float64Array.BYTES_PER_ELEMENT) {
    throw new Error(`${path} holds ${bytes.byteLength} bytes, expected ${rows} × ${cols} doubles`);
  }
  const shared = new Float64Array(new SharedArrayBuffer(bytes.byteLength));
  new Uint8Array(shared.buffer).set(bytes);
  return shared;
}

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;

export const readScaler = (workDir: string): Promise<MinMaxScaler> =>
  readJson<MinMaxScaler>(workspaceFiles(workDir).scaler);

export const writeFittedK = (workDir: string, fitted: FittedK): Promise<void> =>
  writeJsonAtomic(workspaceFiles(workDir).fittedK(fitted.point.k), fitted);

export const readFittedK = (workDir: string, k: number): Promise<FittedK> =>
  readJson<FittedK>(workspaceFiles(workDir).fittedK(k));
