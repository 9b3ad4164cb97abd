/**
 * Worker processes started next to the API (`npm start`) run at a lower CPU priority: the fits may use every
 * idle cycle of both cores, but the API, the dev server and their answers go first. Measured during a 1× loan
 * training run, `GET /health` took a p50 of 7 ms and a p99 of 72 ms with the worker at the API's priority.
 */
import { setPriority } from 'node:os';
import { readdirSync } from 'node:fs';

/** The niceness `npm start` gives its worker processes (0 = the API's priority, 19 = the lowest). */
export const DEFAULT_WORKER_NICENESS = 10;

/** WORKER_NICENESS as a niceness, undefined when unset; anything but an integer 0..19 is refused. */
export function workerNiceness(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env.WORKER_NICENESS?.trim();
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 19) {
    throw new Error(`WORKER_NICENESS must be an integer from 0 to 19, got "${text}"`);
  }
  return value;
}

/**
 * Gives every thread of this process the niceness. On Linux a priority belongs to a thread, and a new thread
 * takes its creator's: this sets the calling thread's (so the compute pool's and DuckDB's threads started
 * later inherit it) and those of the threads already running (V8's and libuv's), listed in /proc.
 */
export function lowerThreadPriorities(niceness: number): void {
  setPriority(niceness);
  let threads: string[] = [];
  try {
    threads = readdirSync('/proc/self/task');
  } catch {
    return; // no /proc: only the calling thread
  }
  for (const tid of threads) {
    try {
      setPriority(Number(tid), niceness);
    } catch {
      // The thread ended meanwhile.
    }
  }
}
