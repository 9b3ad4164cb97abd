/** Running a bench script: only when executed directly, with setup problems reported without a stack trace. */
import { pathToFileURL } from 'node:url';

/** A failure that says all in its message (missing data, venv or flag): nothing is wrong with the code. */
export class BenchSetupError extends Error {}

/** node:util's parseArgs rejecting the command line (unknown flag, missing value). */
function isUsageError(err: unknown): err is Error {
  return err instanceof Error && String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
}

/** Whether the module at `moduleUrl` (its `import.meta.url`) is the script node was started with. */
export function isEntry(moduleUrl: string): boolean {
  return Boolean(process.argv[1]) && moduleUrl === pathToFileURL(process.argv[1]).href;
}

/** Runs `main` when `moduleUrl` is the entry script; exits 1 on failure (open handles such as a worker included). */
export function runIfEntry(moduleUrl: string, main: () => Promise<void>): void {
  if (!isEntry(moduleUrl)) return;
  main().catch((err: unknown) => {
    console.error(err instanceof BenchSetupError || isUsageError(err) ? err.message : err);
    process.exit(1);
  });
}
