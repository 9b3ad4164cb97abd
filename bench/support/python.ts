/**
 * The scikit-learn side of the benchmarks: a Python venv at bench/.venv and the bench/*_sklearn.py scripts, each
 * started with one JSON spec file and printing one JSON object. BLAS and OpenMP are pinned to one thread so both
 * sides use one core.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { BenchSetupError } from './entry.js';

const execFileAsync = promisify(execFile);
const MAX_OUTPUT = 64 * 1024 * 1024;

const VENV_DIR = fileURLToPath(new URL('../.venv', import.meta.url));
const PYTHON = join(VENV_DIR, 'bin', 'python');

const SINGLE_THREAD_ENV = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };

export function hasVenv(): boolean {
  return existsSync(PYTHON);
}

/** Fails with a message (no stack trace) when bench/.venv is missing. */
export function requireVenv(packages: readonly string[]): void {
  if (!hasVenv()) throw new BenchSetupError(`bench/.venv is missing: create it with ${packages.join(', ')}`);
}

/** Creates bench/.venv when it is missing and pip-installs `packages` unless all of `modules` import. */
export async function ensureVenv(
  modules: readonly string[],
  packages: readonly string[],
  log: (line: string) => void,
): Promise<void> {
  if (!hasVenv()) {
    log('bench/.venv missing: creating it (python3 -m venv) ...');
    await execFileAsync('python3', ['-m', 'venv', VENV_DIR]);
  }
  const ready = await execFileAsync(PYTHON, ['-c', `import ${modules.join(', ')}`]).then(
    () => true,
    () => false,
  );
  if (!ready) {
    log(`installing ${packages.join(', ')} into bench/.venv ...`);
    await execFileAsync(join(VENV_DIR, 'bin', 'pip'), ['install', ...packages], { maxBuffer: MAX_OUTPUT });
  }
}

/**
 * Runs bench/`script` in the venv on `spec` (written as spec.json into `workDir`), single-threaded, and parses the
 * JSON it prints. Its stderr (progress lines) is discarded.
 */
export async function runSklearnScript<T>(script: string, spec: object, workDir: string): Promise<T> {
  const specPath = join(workDir, 'spec.json');
  await writeFile(specPath, JSON.stringify(spec));
  const scriptPath = fileURLToPath(new URL(`../${script}`, import.meta.url));
  const { stdout } = await execFileAsync(PYTHON, [scriptPath, specPath], {
    env: { ...process.env, ...SINGLE_THREAD_ENV },
    maxBuffer: MAX_OUTPUT,
  });
  return JSON.parse(stdout) as T;
}
