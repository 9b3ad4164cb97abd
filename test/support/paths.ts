import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES_DIR = resolve(REPO_ROOT, 'test', 'fixtures');
/** The real public datasets (Mall customers, the CS611 loan files) live beside the repository, never in it. */
export const SHARED_DATASETS_DIR = resolve(REPO_ROOT, '..', 'shared', 'datasets');

export const REAL_DATA = {
  mallCustomers: resolve(SHARED_DATASETS_DIR, 'Mall_Customers.csv'),
  loanDir: resolve(SHARED_DATASETS_DIR, 'loan'),
} as const;

/**
 * The `skip` option of a test on real data: false when the data is there. Outside CI a missing dataset
 * skips with a reason; in CI (CI=true) it throws, so a lost dataset fails the run instead of hiding.
 */
export function skipUnlessRealData(path: string): string | false {
  if (existsSync(path)) return false;
  if (process.env.CI) throw new Error(`CI needs the shared real datasets, but ${path} is missing`);
  return `real data not present (${path})`;
}
