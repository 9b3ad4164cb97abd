/**
 * A supervisor for Temporal worker processes: N copies of the worker entry (src/worker.ts), each restarted
 * with backoff when it dies, all stopped gracefully (SIGTERM: the SDK's shutdown) by stop(). The processes
 * share the machine's cores: each gets COMPUTE_THREADS so that together they use every core once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { DEFAULT_WORKER_NICENESS, workerNiceness } from './niceness.js';
import { workerGlibcTunables } from './malloc.js';
import { siblingModulePath } from './module-path.js';

/** The worker process entry: polls the task queue until SIGTERM, or until its parent goes away. */
export const WORKER_ENTRY = siblingModulePath(import.meta.url, '../worker');

/** One worker process per two cores (their fits use the compute pool's threads), at least one. */
export function defaultWorkerCount(cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / 2));
}

/** Each of `count` processes gets an equal share of the cores for its compute pool, at least one thread. */
export function computeThreadsPerWorker(count: number, cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / Math.max(1, count)));
}

/** Sent by a worker process over IPC once its worker polls the task queue. */
export const WORKER_READY_MESSAGE = 'worker-ready';

export interface WorkerProcessesOptions {
  count: number;
  /**
   * The workers' environment (TEMPORAL_ADDRESS, TASK_QUEUE, …); COMPUTE_THREADS and WORKER_NICENESS are added
   * unless set, and GLIBC_TUNABLES gets malloc's mmap threshold (processes/malloc.ts).
   */
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /** The script each process runs (default WORKER_ENTRY), with this process's loader flags (tsx). */
  entry?: string;
  /** Restart delays: the first, doubled per quick death, up to the max; reset after a process lived long. */
  restartBackoff?: { initialMs: number; maxMs: number; resetAfterMs: number };
  /** How long stop() waits for a graceful shutdown before SIGKILL. */
  stopTimeoutMs?: number;
}

export interface WorkerProcesses {
  /** The pids of the worker processes running now (one per slot; a restarting slot has none). */
  pids(): number[];
  /** How many times a dead worker process has been restarted. */
  restarts(): number;
  /**
   * Resolves once every process has reported that it polls (after a restart, again); with `withinMs`, rejects
   * if that has not happened by then.
   */
  ready(withinMs?: number): Promise<void>;
  stop(): Promise<void>;
}

interface Slot {
  index: number;
  child?: ChildProcess;
  ready: boolean;
  startedAt: number;
  quickDeaths: number;
  restartTimer?: NodeJS.Timeout;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) resolveExit();
    else child.once('exit', () => resolveExit());
  });
}

/**
 * The environment of `count` worker processes started from `env`: COMPUTE_THREADS and WORKER_NICENESS added
 * unless set, and malloc's mmap threshold in GLIBC_TUNABLES (processes/malloc.ts). A bad WORKER_NICENESS is
 * refused here, before any process starts.
 */
export function workerProcessEnv(env: NodeJS.ProcessEnv, count: number): NodeJS.ProcessEnv {
  // Below the API's priority: the fits take the idle cycles, the API answers first (processes/niceness.ts).
  const niceness = workerNiceness(env) ?? DEFAULT_WORKER_NICENESS;
  return {
    ...env,
    COMPUTE_THREADS: env.COMPUTE_THREADS ?? String(computeThreadsPerWorker(count)),
    WORKER_NICENESS: String(niceness),
    GLIBC_TUNABLES: workerGlibcTunables(env),
  };
}

export function startWorkerProcesses(options: WorkerProcessesOptions): WorkerProcesses {
  const { count, log } = options;
  const entry = options.entry ?? WORKER_ENTRY;
  const backoff = options.restartBackoff ?? { initialMs: 1_000, maxMs: 30_000, resetAfterMs: 60_000 };
  const stopTimeoutMs = options.stopTimeoutMs ?? 30_000;
  const env = workerProcessEnv(options.env, count);
  const slots: Slot[] = Array.from({ length: count }, (_, index) => ({
    index,
    ready: false,
    startedAt: 0,
    quickDeaths: 0,
  }));
  let stopping = false;
  let restartCount = 0;
  let readyWaiters: (() => void)[] = [];

  const notifyIfAllReady = () => {
    if (!slots.every((slot) => slot.ready)) return;
    const waiters = readyWaiters;
    readyWaiters = [];
    waiters.forEach((resolveReady) => resolveReady());
  };

  const launch = (slot: Slot, restart = false) => {
    slot.restartTimer = undefined;
    slot.ready = false;
    slot.startedAt = Date.now();
    // The IPC channel tells the worker when this process dies (kill -9 included): it then shuts down too.
    const child = spawn(process.execPath, [...process.execArgv, entry], {
      env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    slot.child = child;
    child.on('message', (message) => {
      if (message !== WORKER_READY_MESSAGE) return;
      if (restart) log(`Worker process ${child.pid ?? '?'} (restarted) polls the task queue`);
      slot.ready = true;
      notifyIfAllReady();
    });
    child.once('error', (err) => log(`Worker process ${slot.index + 1} could not start: ${err.message}`));
    child.once('exit', (code, signal) => {
      slot.child = undefined;
      slot.ready = false;
      if (stopping) return;
      slot.quickDeaths = Date.now() - slot.startedAt > backoff.resetAfterMs ? 0 : slot.quickDeaths + 1;
      const delayMs = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, slot.quickDeaths - 1));
      log(
        `Worker process ${child.pid ?? '?'} exited (${signal ?? `code ${code}`}); ` +
          `restarting it in ${(delayMs / 1000).toFixed(1)} s`,
      );
      slot.restartTimer = setTimeout(() => {
        restartCount++;
        launch(slot, true);
      }, delayMs);
    });
  };

  slots.forEach((slot) => launch(slot));

  let stopped: Promise<void> | undefined;
  return {
    pids: () => slots.flatMap((slot) => (slot.child?.pid === undefined ? [] : [slot.child.pid])),
    restarts: () => restartCount,
    async ready(withinMs) {
      if (slots.every((slot) => slot.ready)) return;
      const allReady = new Promise<void>((resolveReady) => readyWaiters.push(resolveReady));
      if (withinMs === undefined) return allReady;
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${count} worker processes did not start polling within ${withinMs / 1000} s`)),
          withinMs,
        );
      });
      try {
        await Promise.race([allReady, expired]);
      } finally {
        clearTimeout(timer);
      }
    },
    stop() {
      stopped ??= (async () => {
        stopping = true;
        await Promise.all(
          slots.map(async (slot) => {
            clearTimeout(slot.restartTimer);
            const { child } = slot;
            if (!child) return;
            child.kill('SIGTERM');
            const forceKill = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
            await exited(child);
            clearTimeout(forceKill);
          }),
        );
      })();
      return stopped;
    },
  };
}
