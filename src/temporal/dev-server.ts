import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processIsRunning } from '../processes/leftovers.js';
import { writeJsonAtomic } from '../storage/atomic-file.js';
import { devServerSearchAttributeArgs } from './search-attribute-registration.js';

export interface DevServerOptions {
  cliPath: string;
  port: number;
  uiPort: number;
  /** SQLite file; persistent across restarts so run history survives. */
  dbFile: string;
  namespace: string;
  /** Its log and its pid file go here (the state dir). */
  logDir: string;
  log?: (line: string) => void;
}

export interface RunningDevServer {
  address: string;
  uiUrl: string;
  pid: number;
  stop(): Promise<void>;
}

/** Written next to the log while the server runs: how the next start recognises one left by a crash. */
export const DEV_SERVER_PID_FILE = 'temporal-dev-server.pid.json';

export interface DevServerPidFile {
  pid: number;
  port: number;
  uiPort: number;
  dbFile: string;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolveConnect) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolveConnect(true);
    });
    socket.once('error', () => resolveConnect(false));
  });
}

function waitForExit(child: ChildProcess): Promise<void> {
  return new Promise((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) resolveExit();
    else child.once('exit', () => resolveExit());
  });
}

/** The command line of a running process: /proc on Linux, `ps` elsewhere; undefined if it is gone. */
async function commandLine(pid: number): Promise<string | undefined> {
  const fromProc = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  if (fromProc !== undefined) return fromProc.split('\0').join(' ');
  const { execFile } = await import('node:child_process');
  return new Promise((resolveLine) =>
    execFile('ps', ['-o', 'args=', '-p', String(pid)], (err, stdout) => resolveLine(err ? undefined : stdout.trim())),
  );
}

async function waitUntilGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (processIsRunning(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/**
 * A dev server left running by a crashed `npm start` (kill -9 of its node process, a closed terminal) still
 * holds the ports and the SQLite file. Its pid file names it; if that process is still a `temporal server
 * start-dev` on our SQLite file, it is stopped (SIGTERM, then SIGKILL), so this start takes over the same
 * history. Returns the pid stopped, if any.
 */
export async function stopOrphanedDevServer(logDir: string, log: (line: string) => void): Promise<number | undefined> {
  const pidPath = join(logDir, DEV_SERVER_PID_FILE);
  const recorded = await readFile(pidPath, 'utf8')
    .then((text) => JSON.parse(text) as DevServerPidFile)
    .catch(() => undefined);
  if (!recorded) return undefined;
  const command = processIsRunning(recorded.pid) ? await commandLine(recorded.pid) : undefined;
  let stopped: number | undefined;
  if (command?.includes('start-dev') && command.includes(recorded.dbFile)) {
    log(`Stopping the Temporal dev server (pid ${recorded.pid}) left running by an earlier start ...`);
    process.kill(recorded.pid, 'SIGTERM');
    if (!(await waitUntilGone(recorded.pid, 10_000))) {
      process.kill(recorded.pid, 'SIGKILL');
      await waitUntilGone(recorded.pid, 5_000);
    }
    stopped = recorded.pid;
  }
  await rm(pidPath, { force: true });
  return stopped;
}

/**
 * Go's collector target for the dev server unless GOGC is set: at Go's default (100) its heap grew from 51 to
 * 89 MB through two 10× loan training runs (180–190 MB resident); at 40 it stayed 15 MB lower (165–174 MB),
 * its requests answered as fast.
 */
export const DEV_SERVER_GOGC = '40';

/** The dev server's environment: this process's, with GOGC (DEV_SERVER_GOGC) unless the operator set one. */
export function devServerEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, GOGC: env.GOGC?.trim() || DEV_SERVER_GOGC };
}

/** Starts `temporal server start-dev` (SQLite, Web UI) and resolves once its frontend accepts connections. */
export async function startDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  await mkdir(options.logDir, { recursive: true });
  await stopOrphanedDevServer(options.logDir, options.log ?? (() => undefined));
  if (await canConnect(options.port)) {
    throw new Error(
      `Port ${options.port} is already in use. Set TEMPORAL_ADDRESS=127.0.0.1:${options.port} to use that server, ` +
        'or TEMPORAL_PORT / TEMPORAL_UI_PORT to start the embedded one elsewhere.',
    );
  }
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    '--db-filename',
    options.dbFile,
    '--namespace',
    options.namespace,
    '--log-level',
    'error',
    // The run index's attributes (MlPipeline, MlDataset, …), registered as the server starts.
    ...devServerSearchAttributeArgs(),
  ];
  const logPath = join(options.logDir, 'temporal-dev-server.log');
  const logFile = openSync(logPath, 'a');
  const child = spawn(options.cliPath, args, { env: devServerEnv(), stdio: ['ignore', logFile, logFile] });
  let exited = false;
  child.once('exit', () => (exited = true));
  const pidPath = join(options.logDir, DEV_SERVER_PID_FILE);
  if (child.pid !== undefined) {
    const pidFile: DevServerPidFile = {
      pid: child.pid,
      port: options.port,
      uiPort: options.uiPort,
      dbFile: options.dbFile,
    };
    await writeJsonAtomic(pidPath, pidFile);
  }

  const deadline = Date.now() + 60_000;
  while (!(await canConnect(options.port))) {
    if (exited) throw new Error(`temporal server start-dev exited early; see ${logPath}`);
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error('temporal server start-dev did not accept connections within 60 s');
    }
    await sleep(200);
  }
  return {
    address: `127.0.0.1:${options.port}`,
    uiUrl: `http://127.0.0.1:${options.uiPort}`,
    pid: child.pid ?? -1,
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const killTimer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await waitForExit(child);
        clearTimeout(killTimer);
      }
      await rm(pidPath, { force: true });
    },
  };
}
