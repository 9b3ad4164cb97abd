/**
 * The cluster's long-running children (Temporal server, UI server): each in its own process group (so a
 * Ctrl-C reaches only the cluster command, which stops them in order), its output in a log file, and its
 * pid in a pid file, so a cluster command that was killed -9 has its orphans stopped by the next start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface SupervisedProcessOptions {
  /** Names the log file `<name>.log` and the pid file `<name>.pid`. */
  name: string;
  command: string;
  args: string[];
  logDir: string;
  pidDir: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface SupervisedProcess {
  name: string;
  pid: number;
  logPath: string;
  /** Resolves when the process exits, for whatever reason. */
  exited: Promise<void>;
  hasExited(): boolean;
  /** SIGTERM to its group, SIGKILL after `timeoutMs`; resolves once it has exited. */
  stop(timeoutMs?: number): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The executable a running pid runs (Linux /proc), to tell our orphan from an unrelated reused pid. */
async function executableOf(pid: number): Promise<string | undefined> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  return cmdline?.split('\0')[0];
}

/**
 * Stops the process a pid file names if it still runs the same executable (left by a cluster command
 * that was killed); returns whether it found one.
 */
export async function stopOrphan(pidDir: string, name: string, command: string, timeoutMs = 15_000): Promise<boolean> {
  const pidFile = join(pidDir, `${name}.pid`);
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
  await rm(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return false;
  const executable = await executableOf(pid);
  // The binaries are spawned by absolute path, so argv[0] names them exactly (two are called `server`).
  if (executable !== command) return false;
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (alive(pid) && Date.now() < deadline) await sleep(100);
  if (alive(pid)) signalGroup(pid, 'SIGKILL');
  return true;
}

/** Signals the process group the child leads (it was started detached), falling back to the pid alone. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

function waitForExit(child: ChildProcess): Promise<void> {
  return new Promise((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) resolveExit();
    else child.once('exit', () => resolveExit());
  });
}

export async function startSupervisedProcess(options: SupervisedProcessOptions): Promise<SupervisedProcess> {
  await mkdir(options.logDir, { recursive: true });
  await mkdir(options.pidDir, { recursive: true });
  const logPath = join(options.logDir, `${options.name}.log`);
  const pidFile = join(options.pidDir, `${options.name}.pid`);
  const logFd = openSync(logPath, 'a');
  let child: ChildProcess;
  try {
    child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', logFd, logFd],
      detached: true,
    });
  } finally {
    closeSync(logFd);
  }
  const pid = await new Promise<number>((resolveSpawn, rejectSpawn) => {
    child.once('spawn', () => resolveSpawn(child.pid!));
    child.once('error', rejectSpawn);
  });
  await writeFile(pidFile, `${pid}\n`);
  const exited = waitForExit(child).then(() => rm(pidFile, { force: true }));
  return {
    name: options.name,
    pid,
    logPath,
    exited,
    hasExited: () => child.exitCode !== null || child.signalCode !== null,
    async stop(timeoutMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      signalGroup(pid, 'SIGTERM');
      const forceKill = setTimeout(() => signalGroup(pid, 'SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(forceKill);
    },
  };
}

export function canConnect(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolveConnect) => {
    const socket = createConnection({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolveConnect(true);
    });
    socket.once('error', () => resolveConnect(false));
  });
}

/** Waits until the port accepts connections; fails early if the process exits, or at the deadline. */
export async function waitForPort(child: SupervisedProcess, port: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await canConnect(port))) {
    if (child.hasExited()) throw new Error(`${child.name} exited before listening on ${port}; see ${child.logPath}`);
    if (Date.now() > deadline) throw new Error(`${child.name} did not listen on ${port} within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}
