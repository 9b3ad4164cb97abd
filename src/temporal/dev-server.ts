import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { devServerSearchAttributeArgs } from './search-attribute-registration.js';

export interface DevServerOptions {
  cliPath: string;
  port: number;
  uiPort: number;
  /** SQLite file; persistent across restarts so run history survives. */
  dbFile: string;
  namespace: string;
  logDir: string;
}

export interface RunningDevServer {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
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

/** Starts `temporal server start-dev` (SQLite, Web UI) and resolves once its frontend accepts connections. */
export async function startDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  if (await canConnect(options.port)) {
    throw new Error(
      `Port ${options.port} is already in use. Set TEMPORAL_ADDRESS=127.0.0.1:${options.port} to use that server, ` +
        'or TEMPORAL_PORT / TEMPORAL_UI_PORT to start the embedded one elsewhere.',
    );
  }
  await mkdir(options.logDir, { recursive: true });
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
  const { openSync } = await import('node:fs');
  const logFile = openSync(join(options.logDir, 'temporal-dev-server.log'), 'a');
  const child = spawn(options.cliPath, args, { stdio: ['ignore', logFile, logFile] });
  let exited = false;
  child.once('exit', () => (exited = true));

  const deadline = Date.now() + 60_000;
  while (!(await canConnect(options.port))) {
    if (exited)
      throw new Error(`temporal server start-dev exited early; see ${join(options.logDir, 'temporal-dev-server.log')}`);
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error('temporal server start-dev did not accept connections within 60 s');
    }
    await sleep(200);
  }
  return {
    address: `127.0.0.1:${options.port}`,
    uiUrl: `http://127.0.0.1:${options.uiPort}`,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await waitForExit(child);
      clearTimeout(killTimer);
    },
  };
}
