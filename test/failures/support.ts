/**
 * Real stacks for the failure tests: the build of `src/main.ts` (dist/main.js, scripts/build.ts) started as its
 * own process group, as `npm start` starts it, with its own state dir, data, model store and free ports, so a
 * test can kill -9 it, or parts of it, and start it again on the same state.
 */
import { Client, Connection } from '@temporalio/client';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processIsRunning } from '../../src/processes/leftovers.js';
import { DEV_SERVER_PID_FILE, type DevServerPidFile } from '../../src/temporal/dev-server.js';
import { buildDist } from '../../scripts/build.js';
import { REPO_ROOT } from '../support/paths.js';
import { freePort } from '../support/ports.js';

export { freePort };
import { TEST_API_KEY } from '../support/test-stack.js';
import { waitFor } from '../support/wait.js';

/** One stack's home: folders and ports that survive the stack's processes, as a machine's disk does. */
export interface StackHome {
  root: string;
  env: NodeJS.ProcessEnv;
  apiUrl: string;
  temporalAddress: string;
  stateDir: string;
  dataDir: string;
  modelStoreDir: string;
}

/** One build per test file, before its first stack: dist/ then holds this checkout's src/. */
let built: Promise<number> | undefined;

export async function createStackHome(extraEnv: NodeJS.ProcessEnv = {}): Promise<StackHome> {
  await (built ??= buildDist());
  const root = await mkdtemp(join(tmpdir(), 'ml-pipelines-failure-'));
  const [apiPort, temporalPort, uiPort] = [await freePort(), await freePort(), await freePort()];
  const dirs = { stateDir: join(root, 'state'), dataDir: join(root, 'data'), modelStoreDir: join(root, 'models') };
  return {
    root,
    ...dirs,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    temporalAddress: `127.0.0.1:${temporalPort}`,
    env: {
      ...process.env,
      STATE_DIR: dirs.stateDir,
      DATA_DIR: dirs.dataDir,
      MODEL_STORE_DIR: dirs.modelStoreDir,
      PORT: String(apiPort),
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(uiPort),
      API_KEY: TEST_API_KEY,
      ...extraEnv,
    },
  };
}

/** A running `dist/main.js`, leader of its own process group. */
export interface MainProcess {
  pid: number;
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  exited: Promise<void>;
}

export function startMain(home: StackHome, args: string[]): MainProcess {
  const child = spawn(process.execPath, ['dist/main.js', '--no-demo', ...args], {
    cwd: REPO_ROOT,
    env: home.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  child.stdout?.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const exited = new Promise<void>((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) resolveExit();
    else child.once('exit', () => resolveExit());
  });
  assert.ok(child.pid, 'main process started');
  return { pid: child.pid, child, output: () => printed, exited };
}

/** Polls until the stack's API answers /health with Temporal reachable. */
export async function waitForHealthyApi(home: StackHome, main?: MainProcess): Promise<void> {
  await waitFor('the API to answer /health with Temporal ok', async () => {
    if (main && main.child.exitCode !== null) throw new Error(`main exited early:\n${main.output()}`);
    const response = await fetch(`${home.apiUrl}/health`);
    const body = (await response.json()) as { temporal?: string };
    return response.ok && body.temporal === 'ok' ? true : undefined;
  });
}

export function apiHeaders(): Record<string, string> {
  return { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' };
}

export async function startRun(home: StackHome, pipeline: string, payload: object): Promise<string> {
  const response = await fetch(`${home.apiUrl}/runs/${pipeline}`, {
    method: 'POST',
    headers: apiHeaders(),
    body: JSON.stringify(payload),
  });
  const body = await response.text();
  assert.equal(response.status, 202, body);
  return (JSON.parse(body) as { runId: string }).runId;
}

export interface RunStatus<TResult = Record<string, unknown>> {
  status: string;
  progress?: { stage?: string };
  result?: TResult;
  error?: unknown;
}

export async function runStatus(home: StackHome, runId: string): Promise<RunStatus> {
  const response = await fetch(`${home.apiUrl}/runs/${runId}`, { headers: apiHeaders() });
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as RunStatus;
}

/** Polls the run over the API until it closes (connection errors while a stack restarts are retried). */
export async function runClosed<TResult = Record<string, unknown>>(
  home: StackHome,
  runId: string,
  deadlineMs = 240_000,
): Promise<RunStatus<TResult>> {
  return waitFor(
    `run ${runId} to close`,
    async () => {
      const status = (await runStatus(home, runId)) as RunStatus<TResult>;
      return status.status === 'running' ? undefined : status;
    },
    { deadlineMs, intervalMs: 250 },
  );
}

export async function temporalClient(home: StackHome): Promise<{ client: Client; close(): Promise<void> }> {
  const connection = await Connection.connect({ address: home.temporalAddress });
  return { client: new Client({ connection }), close: () => connection.close() };
}

/** The pid in a worker's default identity (`pid@host`). */
export function pidOfIdentity(identity: string): number {
  const pid = Number(identity.split('@')[0]);
  assert.ok(Number.isInteger(pid) && pid > 0, `worker identity "${identity}" starts with a pid`);
  return pid;
}

/**
 * Polls until the run's progress stage is `stage` (as `readStatus` reads `GET /runs/:runId`) and one of
 * its activities has started on a worker; returns that worker's pid (from the pending activity's identity
 * in describe()). Shared by the failure tests and the cluster test.
 */
export async function workerRunningStage(
  readStatus: (runId: string) => Promise<RunStatus>,
  client: Client,
  runId: string,
  stage: string,
): Promise<{ pid: number; activityType: string }> {
  return waitFor(`run ${runId} to be at ${stage} with an activity started on a worker`, async () => {
    const status = await readStatus(runId);
    if (status.status !== 'running') throw new Error(`run closed before ${stage}: ${JSON.stringify(status)}`);
    if (status.progress?.stage !== stage) return undefined;
    const { raw } = await client.workflow.getHandle(runId).describe();
    // State 2 is PENDING_ACTIVITY_STATE_STARTED: a worker holds it now.
    const started = (raw.pendingActivities ?? []).find(
      (activity) => Number(activity.state) === 2 && activity.lastWorkerIdentity,
    );
    if (!started?.lastWorkerIdentity) return undefined;
    return { pid: pidOfIdentity(started.lastWorkerIdentity), activityType: started.activityType?.name ?? '?' };
  });
}

/** The embedded dev server's pid, from the pid file main's stack writes. */
export async function devServerPid(home: StackHome): Promise<number> {
  const text = await readFile(join(home.stateDir, DEV_SERVER_PID_FILE), 'utf8');
  return (JSON.parse(text) as DevServerPidFile).pid;
}

export function killGroup(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(-pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

export async function waitUntilGone(pid: number, what: string): Promise<void> {
  await waitFor(`${what} (pid ${pid}) to be gone`, () => (processIsRunning(pid) ? undefined : true), {
    deadlineMs: 30_000,
  });
}

/** Every file under `dir`, relative paths. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** Kills whatever of the stack still runs (its group, its dev server) and removes its home. */
export async function removeStack(home: StackHome, mains: MainProcess[]): Promise<void> {
  for (const main of mains) killGroup(main.pid);
  const serverPid = await devServerPid(home).catch(() => undefined);
  if (serverPid !== undefined && processIsRunning(serverPid)) {
    process.kill(serverPid, 'SIGKILL');
    await sleep(200);
  }
  await Promise.all(mains.map((main) => main.exited));
  await rm(home.root, { recursive: true, force: true });
}

/** Prints how long each phase of a failure test took (diagnostics only; nothing asserts on time). */
export function phaseLog(name: string): (phase: string) => void {
  const started = Date.now();
  return (phase) => console.log(`# [${name}] +${((Date.now() - started) / 1000).toFixed(1)} s ${phase}`);
}
