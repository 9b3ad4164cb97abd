/**
 * The scikit-learn side of the benchmarks: a Python venv at bench/.venv and the bench/*_sklearn.py scripts, each
 * started with one JSON spec file and printing one JSON object. BLAS and OpenMP are pinned to one thread so both
 * sides use one core. A second venv with an older scikit-learn (`OLDER_SKLEARN`) lets the segmentation bench time
 * the fastest release, not only the newest: on heavy-tailed data their GaussianMixture speeds differ.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { BenchSetupError } from './entry.js';

const execFileAsync = promisify(execFile);
const MAX_OUTPUT = 64 * 1024 * 1024;

const VENV_DIR = fileURLToPath(new URL('../.venv', import.meta.url));
const PYTHON = join(VENV_DIR, 'bin', 'python');

/** A venv of its own (under bench/) holding an older scikit-learn, with the numpy and pandas that release builds on. */
export const OLDER_SKLEARN = {
  dir: fileURLToPath(new URL('../.venv-sklearn-1.2', import.meta.url)),
  modules: ['sklearn', 'kneed', 'pandas'],
  packages: ['scikit-learn==1.2.2', 'numpy<2', 'pandas<2.2', 'kneed'],
} as const;

const SINGLE_THREAD_ENV = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };

export function hasVenv(): boolean {
  return existsSync(PYTHON);
}

/** Fails with a message (no stack trace) when bench/.venv is missing. */
export function requireVenv(packages: readonly string[]): void {
  if (!hasVenv()) throw new BenchSetupError(`bench/.venv is missing: create it with ${packages.join(', ')}`);
}

/**
 * Creates the venv (bench/.venv unless `venvDir` names another) when it is missing and pip-installs `packages`
 * unless all of `modules` import.
 */
export async function ensureVenv(
  modules: readonly string[],
  packages: readonly string[],
  log: (line: string) => void,
  venvDir: string = VENV_DIR,
): Promise<void> {
  const python = join(venvDir, 'bin', 'python');
  const name = `bench/${basename(venvDir)}`;
  if (!existsSync(python)) {
    log(`${name} missing: creating it (python3 -m venv) ...`);
    await execFileAsync('python3', ['-m', 'venv', venvDir]);
  }
  const ready = await execFileAsync(python, ['-c', `import ${modules.join(', ')}`]).then(
    () => true,
    () => false,
  );
  if (!ready) {
    log(`installing ${packages.join(', ')} into ${name} ...`);
    await execFileAsync(join(venvDir, 'bin', 'pip'), ['install', ...packages], { maxBuffer: MAX_OUTPUT });
  }
}

/**
 * Runs bench/`script` in the venv (bench/.venv unless `venvDir` names another) on `spec` (written as spec.json into
 * `workDir`), single-threaded, and parses the JSON it prints. Its stderr (progress lines) is discarded.
 */
export async function runSklearnScript<T>(
  script: string,
  spec: object,
  workDir: string,
  venvDir: string = VENV_DIR,
): Promise<T> {
  const specPath = join(workDir, 'spec.json');
  await writeFile(specPath, JSON.stringify(spec));
  const scriptPath = fileURLToPath(new URL(`../${script}`, import.meta.url));
  const { stdout } = await execFileAsync(join(venvDir, 'bin', 'python'), [scriptPath, specPath], {
    env: { ...process.env, ...SINGLE_THREAD_ENV },
    maxBuffer: MAX_OUTPUT,
  });
  return JSON.parse(stdout) as T;
}
