/**
 * Runs inside a pool thread: every compute task goes through `runTask`, which imports the task's bundle and
 * calls the named export. Once the thread has had no task for a second, it runs a full garbage collection.
 * Without it an idle thread keeps its last task's garbage, and the input it was sent, until a next task
 * allocates: after the three fits of a 10× loan portfolio the worker held 740 MB for as long as the service
 * waited, against 280 MB with the collection (both with WORKER_MALLOC_TUNABLES, processes/malloc.ts).
 */
import { collectGarbageOnPoolThread } from './collect.js';

/** Which task to run, and its input. */
export interface TaskCall {
  /** file:// URL of the task's bundle (compute/task-bundle.ts). */
  bundleUrl: string;
  /** The exported function's name. */
  name: string;
  input: unknown;
}

/** How long a thread waits without a task before it collects. */
export const IDLE_COLLECT_MS = 1_000;

let idleTimer: NodeJS.Timeout | undefined;

export async function runTask(call: TaskCall): Promise<unknown> {
  clearTimeout(idleTimer);
  try {
    const module = (await import(call.bundleUrl)) as Record<string, unknown>;
    const task = module[call.name];
    if (typeof task !== 'function') throw new Error(`The compute task module exports no function "${call.name}"`);
    return await (task as (input: unknown) => unknown)(call.input);
  } finally {
    // Unref'd: a pending collection never keeps a thread (or a test's process) alive.
    idleTimer = setTimeout(collectGarbageOnPoolThread, IDLE_COLLECT_MS).unref();
  }
}

export const TASK_RUNNER_MODULE = import.meta.url;
