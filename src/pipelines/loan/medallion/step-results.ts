/**
 * A data step's result, stored beside the layers it built. The layers folder is named by the content hash of
 * the four raw files, so once the quality gate has marked it complete, a later training run on the same bytes
 * gets each step's stored result instead of rebuilding bronze, silver, the gate and gold (at ten times the
 * CS611 data that is 43 s of a 95 s run). A step whose result or output is missing runs as before.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileExists, writeJsonAtomic } from '../../../storage/atomic-file.js';
import type { LoanLayers } from '../contract.js';
import { silverLayersComplete } from './layers.js';

const STEP_RESULTS_DIR = '_steps';

/** The stored result of `step` if the layers are complete and what it wrote is still there. */
async function storedResult<T>(layers: LoanLayers, step: string): Promise<T | undefined> {
  if (!(await silverLayersComplete(layers))) return undefined;
  const text = await readFile(join(layers.layersDir, STEP_RESULTS_DIR, `${step}.json`), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const result = JSON.parse(text) as T & { path?: unknown };
  if (typeof result.path === 'string' && !(await fileExists(result.path))) return undefined;
  return result;
}

/**
 * Returns the stored result of `step` for these layers, or runs it and stores what it returns. `run` must be
 * a function of the layers alone (the same bytes give the same result).
 */
export async function reuseOrRunStep<T>(
  layers: LoanLayers,
  step: string,
  run: () => Promise<T>,
): Promise<{ result: T; reused: boolean }> {
  const stored = await storedResult<T>(layers, step);
  if (stored !== undefined) return { result: stored, reused: true };
  const result = await run();
  await writeJsonAtomic(join(layers.layersDir, STEP_RESULTS_DIR, `${step}.json`), result);
  return { result, reused: false };
}
