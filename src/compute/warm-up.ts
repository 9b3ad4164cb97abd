/**
 * Runs inside a pool thread: loads the task modules, so the first real task does not pay for loading them.
 * A thread that loads TypeScript through the process's loader takes seconds to load a fit's modules; a
 * training run's three fits would otherwise wait on that in every fresh thread.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';

const require = createRequire(import.meta.url);

/**
 * Loads each module the way the pool's threads load a task (`require` first, `import` if that fails), so the
 * task finds it in that loader's cache. Returns this thread's id (the pool checks every thread was reached).
 */
export async function importTaskModules(moduleUrls: string[]): Promise<number> {
  for (const url of moduleUrls) {
    try {
      require(fileURLToPath(url));
    } catch {
      await import(url);
    }
  }
  return threadId;
}

export const WARM_UP_MODULE = import.meta.url;
