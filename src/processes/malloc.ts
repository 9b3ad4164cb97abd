/**
 * glibc's malloc for the worker processes. By default it raises its mmap threshold (up to 32 MB) each time a
 * large block is freed, so the next arrays of a fit (a column: 1 MB at 10× the CS611 data) come from its
 * heap, and what a finished fit frees stays in that heap instead of going back to the system. A fixed
 * threshold of 128 KiB keeps large arrays mmap'd, returned on free. Measured on the three fits of the 10×
 * portfolio in one process: peak 570-590 MB against 730-820, and 240-290 MB once idle against 540-580, at
 * the same speed (DuckDB's steps alike). Other C libraries ignore the variable.
 */

/** The tunable added to the workers' GLIBC_TUNABLES (colon-separated name=value pairs). */
export const WORKER_MALLOC_TUNABLES = 'glibc.malloc.mmap_threshold=131072';

/** GLIBC_TUNABLES for a worker process: the environment's, plus the mmap threshold unless it sets one. */
export function workerGlibcTunables(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.GLIBC_TUNABLES?.trim() ?? '';
  if (configured === '') return WORKER_MALLOC_TUNABLES;
  if (/(^|:)glibc\.malloc\.mmap_threshold=/.test(configured)) return configured;
  return `${configured}:${WORKER_MALLOC_TUNABLES}`;
}
