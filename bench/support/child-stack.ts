/**
 * The stack exactly as `npm start` runs it, in a child process of its own (`dist/main.js --no-demo`, built from
 * src/ first: dev server, API, worker processes), for benches that measure its memory: the bench's own
 * polling, sampling and history reading then stay in the bench's process, outside the measured tree.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { Client, Connection } from '@temporalio/client';

import { freePort, type Api } from '../predict/http.js';
import { buildDist } from '../../scripts/build.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

const BENCH_API_KEY = 'bench-api-key-0123456789abcdef';

/**
 * The environment a bench's stack runs with: its folders under `root`, free ports, the embedded dev server and
 * the bench's API key.
 */
async function benchStackEnv(root: string, dataDir: string): Promise<NodeJS.ProcessEnv> {
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

/** Starting the dev server and the workers, with their compute threads, takes seconds; this is far beyond. */
const START_TIMEOUT_MS = 180_000;

export interface ChildStack {
  api: Api;
  /** The `npm start` process: the root of the measured process tree. */
  pid: number;
  /** A client of the stack's dev server, in the bench's process (for run histories). */
  client: Client;
  /** The DATA_DIR the stack resolves datasets in. */
  dataDir: string;
  /** Stops the stack as Ctrl-C does, then removes its folders. */
  stop: () => Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** Where the started stack says it listens (the lines `npm start` prints). */
interface StackAddresses {
  apiUrl: string;
  temporalAddress: string;
  namespace: string;
}

/**
 * Resolves with the stack's addresses when it prints "Serving." (its workers poll); rejects if it exits or
 * takes too long first.
 */
function serving(child: ChildProcess, log: (line: string) => void): Promise<StackAddresses> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the stack did not start serving in time')), START_TIMEOUT_MS);
    const found: Partial<StackAddresses> = {};
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const temporal = /^Temporal: (\S+) \(namespace ([^,]+),/.exec(line);
      if (temporal) [found.temporalAddress, found.namespace] = [temporal[1], temporal[2]];
      const api = /^API: (\S+)/.exec(line);
      if (api) found.apiUrl = api[1];
      if (line.startsWith('Serving.')) {
        clearTimeout(timer);
        const { apiUrl, temporalAddress, namespace } = found;
        if (apiUrl && temporalAddress && namespace) resolve({ apiUrl, temporalAddress, namespace });
        else reject(new Error('the stack served without printing its API and Temporal addresses'));
      } else if (line.trim() !== '') log(`  stack: ${line}`);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the stack exited before serving (code ${code}, signal ${signal})`));
    });
  });
}

/**
 * Makes a temporary root with an empty data dir, lets `prepare` fill it, then starts `npm start -- --no-demo
 * --workers N` on free ports and waits until it serves.
 */
export async function startChildStack(options: {
  name: string;
  workers: number;
  log: (line: string) => void;
  prepare: (dataDir: string) => Promise<void>;
}): Promise<ChildStack> {
  const root = await mkdtemp(join(tmpdir(), `bench-${options.name}-`));
  const dataDir = join(root, 'data');
  let child: ChildProcess | undefined;
  let connection: Connection | undefined;
  try {
    await mkdir(dataDir, { recursive: true });
    await options.prepare(dataDir);
    const env = await benchStackEnv(root, dataDir);
    await buildDist();
    child = spawn(process.execPath, ['dist/main.js', '--no-demo', '--workers', String(options.workers)], {
      cwd: REPO,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const { apiUrl, temporalAddress, namespace } = await serving(child, options.log);
    connection = await Connection.connect({ address: temporalAddress });
    const started = child;
    const opened = connection;
    return {
      api: { url: apiUrl, key: BENCH_API_KEY },
      pid: started.pid!,
      client: new Client({ connection: opened, namespace }),
      dataDir,
      stop: async () => {
        await opened.close();
        started.kill('SIGINT');
        await exited(started);
        await rm(root, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await connection?.close();
    if (child) {
      child.kill('SIGINT');
      await exited(child);
    }
    await rm(root, { recursive: true, force: true });
    throw err;
  }
}
