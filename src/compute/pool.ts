/**
 * One pool of worker threads per process for CPU-bound work (fits, sweeps, scoring), so the event loop
 * that serves the API, answers queries and sends heartbeats never blocks. Sized to the cores this process
 * may use: COMPUTE_THREADS, or the machine's parallelism divided among the worker processes.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';

import type { ComputeTask } from './task.js';
import { buildTaskBundles, removeTaskBundles, taskBundlePath, taskBundleUrl } from './task-bundle.js';
import { TASK_RUNNER_MODULE, type TaskCall } from './task-runner.js';
import { WARM_UP_MODULE, type WarmUpInput } from './warm-up.js';

export { defineComputeTask, type ComputeTask } from './task.js';

export interface ComputeOptions {
  /** Aborting terminates the thread running the task (cancellation of the activity that asked). */
  signal?: AbortSignal;
  /** ArrayBuffers (or MessagePorts) moved, not copied, into the thread; the caller must not use them afterwards. */
  transferList?: (ArrayBuffer | import('node:worker_threads').MessagePort)[];
  /**
   * Tasks submitted in the same turn of the event loop start in descending priority (default 0, ties in
   * submission order). With more tasks than threads the longest should start first, or it queues behind a
   * short one and ends last: the loan forest started third of three on two threads ended the fits at 5.3 s
   * instead of 3.8 s.
   */
  priority?: number;
}

let pool: Piscina | undefined;

/** Tasks of the current turn, started together (highest priority first) once the turn's callers have all run. */
let submitted: { priority: number; start: () => void }[] = [];

function startInPriorityOrder(priority: number, start: () => void): void {
  submitted.push({ priority, start });
  if (submitted.length > 1) return;
  setImmediate(() => {
    const turn = submitted;
    submitted = [];
    // Array.prototype.sort is stable: equal priorities keep their submission order.
    for (const task of turn.sort((a, b) => b.priority - a.priority)) task.start();
  });
}

/** How many threads this process's pool runs. */
export function computeThreads(env: NodeJS.ProcessEnv = process.env): number {
  const configured = Number(env.COMPUTE_THREADS);
  if (Number.isInteger(configured) && configured > 0) return configured;
  return Math.max(1, availableParallelism());
}

function sharedPool(): Piscina {
  const threads = computeThreads();
  pool ??= new Piscina({
    // Every thread stays up once started: a fresh thread spends about half a second loading the task
    // bundles (warmComputePool), which a run should not pay. An idle thread holds tens of MB.
    minThreads: threads,
    maxThreads: threads,
    // Threads run bundled JavaScript (task-bundle.ts), so they need none of this process's options: no
    // TypeScript loader to start in every thread. (Passing process.execArgv would also fail on Node 24 under
    // the test runner, whose process-wide flags a worker thread refuses.)
    execArgv: [],
    // Queued tasks keep their order (by default Piscina moves a task it could not place to the queue's tail).
    stricterFIFO: true,
    // A thread goes back to its event loop between tasks instead of blocking in Atomics.wait, holding its last
    // task's input, until the next: so its idle collection (compute/task-runner.ts) runs and frees that too.
    atomics: 'disabled',
  });
  return pool;
}

/** Runs `task(input)` on a pool thread; the result is structured-cloned back. */
export function runCompute<TInput, TOutput>(
  task: ComputeTask<TInput, TOutput>,
  input: TInput,
  options: ComputeOptions = {},
): Promise<TOutput> {
  return new Promise<TOutput>((resolve, reject) => {
    startInPriorityOrder(options.priority ?? 0, () => {
      try {
        // Through the runner (compute/task-runner.ts), which collects garbage once the thread idles.
        const call: TaskCall = { bundleUrl: taskBundleUrl(task.moduleUrl), name: task.name, input };
        const running = sharedPool().run(call, {
          filename: taskBundlePath(TASK_RUNNER_MODULE),
          name: 'runTask',
          signal: options.signal,
          transferList: options.transferList,
        }) as Promise<TOutput>;
        running.then(resolve, reject);
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}

/**
 * Starts every thread of the pool and has each import `tasks`' bundles, so the first fits start at once.
 * Each warm-up waits (up to 30 s) until all have loaded, so none can take a second thread's turn. Resolves
 * with how many distinct threads were warmed.
 */
export async function warmComputePool(tasks: readonly ComputeTask<never, unknown>[]): Promise<number> {
  const threads = computeThreads();
  await buildTaskBundles([...tasks.map((task) => task.moduleUrl), TASK_RUNNER_MODULE, WARM_UP_MODULE]);
  const input: WarmUpInput = {
    bundleUrls: [...new Set([...tasks.map((task) => task.moduleUrl), TASK_RUNNER_MODULE])].map(taskBundleUrl),
    arrived: new Int32Array(new SharedArrayBuffer(4)),
    parties: threads,
    timeoutMs: 30_000,
  };
  const warmUp = taskBundlePath(WARM_UP_MODULE);
  const threadIds = await Promise.all(
    Array.from(
      { length: threads },
      () => sharedPool().run(input, { filename: warmUp, name: 'importTaskModules' }) as Promise<number>,
    ),
  );
  return new Set(threadIds).size;
}

/** Stops the pool's threads (at worker shutdown and in tests); a later task starts a new pool. */
export async function closeComputePool(): Promise<void> {
  const closing = pool;
  pool = undefined;
  await closing?.destroy();
  removeTaskBundles();
}
