/**
 * A compute task's name: which module and export a pool thread runs. Kept apart from the pool so a task
 * module can declare itself without importing the pool (task modules import only pure code).
 */
import type { MessagePort } from 'node:worker_threads';

/** A function exported by a module that only imports pure code: it runs inside a worker thread. */
export interface ComputeTask<TInput, TOutput> {
  /** file:// URL of the module (its `import.meta.url`). */
  readonly moduleUrl: string;
  /** The exported function's name. */
  readonly name: string;
  /** Phantom field that carries the types; never set. */
  readonly types?: (input: TInput) => TOutput;
}

/** Names a task; declare it next to the function, e.g. `defineComputeTask<In, Out>(import.meta.url, 'fitKMeans')`. */
export function defineComputeTask<TInput, TOutput>(moduleUrl: string, name: string): ComputeTask<TInput, TOutput> {
  return { moduleUrl, name };
}

/** Progress a task posts while it works (the activity heartbeats the latest one). */
export interface ComputeProgress {
  /** What the thread is doing, e.g. "fit", "threshold", a month. */
  phase: string;
  done?: number;
  total?: number;
}

/** What a task receives to report progress: a MessagePort, or nothing when run in-process. */
export type ProgressPort = Pick<MessagePort, 'postMessage'> | undefined;

/** Posts `progress` to the port, if any (a no-op in-process). */
export function reportProgress(port: ProgressPort, progress: ComputeProgress): void {
  port?.postMessage(progress);
}
