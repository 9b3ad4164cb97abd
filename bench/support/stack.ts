/** The whole stack as `npm start` runs it, for benches that measure through the API: fresh dirs, free ports. */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadConfig } from '../../src/config.js';
import { startStack, type RunningStack } from '../../src/stack.js';
import { freePort, type Api } from '../predict/http.js';

export const BENCH_API_KEY = 'bench-api-key-0123456789abcdef';

export interface BenchStack {
  stack: RunningStack;
  api: Api;
  /** The DATA_DIR the stack resolves datasets in (link or write the bench's files here first). */
  dataDir: string;
  /** Stops the stack and removes its folders. */
  stop: () => Promise<void>;
}

/**
 * The environment a bench's stack runs with: its folders under `root`, free ports, the embedded dev server and
 * the bench's API key (the in-process stack here and `npm start` in a child process, child-stack.ts).
 */
export async function benchStackEnv(root: string, dataDir: string): Promise<NodeJS.ProcessEnv> {
  return {
    ...process.env,
    DATA_DIR: dataDir,
    MODEL_STORE_DIR: join(root, 'model_store'),
    STATE_DIR: join(root, 'state'),
    PORT: String(await freePort()),
    TEMPORAL_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    TEMPORAL_ADDRESS: '',
    API_KEY: BENCH_API_KEY,
  };
}

/**
 * Makes a temporary root with an empty data dir, lets `prepare` fill it, then starts the dev server, the API
 * and `workers` worker processes on free ports.
 */
export async function startBenchStack(options: {
  name: string;
  workers: number;
  log: (line: string) => void;
  prepare: (dataDir: string) => Promise<void>;
}): Promise<BenchStack> {
  const root = await mkdtemp(join(tmpdir(), `bench-${options.name}-`));
  const dataDir = join(root, 'data');
  try {
    await mkdir(dataDir, { recursive: true });
    await options.prepare(dataDir);
    const config = loadConfig(await benchStackEnv(root, dataDir));
    const stack = await startStack(config, options.log, { workers: options.workers });
    // Measured runs start once every worker polls: a run started before would wait for the worker process to
    // boot (seconds), which is start-up time, not the run's.
    await stack.workers.ready();
    return {
      stack,
      api: { url: stack.apiUrl, key: BENCH_API_KEY },
      dataDir,
      stop: async () => {
        await stack.stop();
        await rm(root, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw err;
  }
}
