/** Runs inside a pool thread: loads the task bundles, so the first real task does not pay for loading them. */
import { threadId } from 'node:worker_threads';

export interface WarmUpInput {
  /** file:// URLs of the task bundles. */
  bundleUrls: string[];
  /** Shared counter of warm-ups that have loaded the bundles. */
  arrived: Int32Array;
  /** How many warm-ups run at once (one per thread). */
  parties: number;
  timeoutMs: number;
}

/**
 * Imports each bundle, then holds this thread until every warm-up has loaded (or the timeout passes), so no
 * thread runs two warm-ups while another runs none. Returns this thread's id.
 */
export async function importTaskModules(input: WarmUpInput): Promise<number> {
  for (const url of input.bundleUrls) await import(url);
  Atomics.add(input.arrived, 0, 1);
  Atomics.notify(input.arrived, 0);
  const deadline = Date.now() + input.timeoutMs;
  for (;;) {
    const seen = Atomics.load(input.arrived, 0);
    const left = deadline - Date.now();
    if (seen >= input.parties || left <= 0) break;
    Atomics.wait(input.arrived, 0, seen, left);
  }
  return threadId;
}

export const WARM_UP_MODULE = import.meta.url;
