import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { processIsRunning } from '../../src/processes/leftovers.js';
import { ensureTemporalCli } from '../../src/temporal/cli.js';
import {
  DEV_SERVER_GOGC,
  DEV_SERVER_PID_FILE,
  devServerEnv,
  startDevServer,
  stopOrphanedDevServer,
} from '../../src/temporal/dev-server.js';
import { freePort } from '../support/ports.js';

/**
 * The pid file of a crashed start names a process; only a `temporal server start-dev` on our SQLite file is
 * stopped, never whatever process reused the pid. (Stopping a real orphaned dev server is in
 * test/failures/power-cut.integration.test.ts.)
 */
describe('stopOrphanedDevServer', () => {
  let stateDir: string;
  const pidFile = () => join(stateDir, DEV_SERVER_PID_FILE);
  const record = (pid: number) =>
    writeFile(pidFile(), JSON.stringify({ pid, port: 1, uiPort: 2, dbFile: join(stateDir, 'temporal.sqlite') }));

  before(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'dev-server-pid-'));
  });
  after(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  it('leaves a live process that is not our dev server alone, and forgets the stale pid file', async () => {
    const bystander = spawn(process.execPath, ['-e', 'setTimeout(() => undefined, 60_000)']);
    try {
      assert.ok(bystander.pid);
      await record(bystander.pid);
      assert.equal(await stopOrphanedDevServer(stateDir, () => undefined), undefined);
      assert.ok(processIsRunning(bystander.pid));
      await assert.rejects(access(pidFile()));
    } finally {
      bystander.kill('SIGKILL');
    }
  });

  it('forgets the pid file of a process that is gone', async () => {
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((resolveExit) => gone.once('exit', resolveExit));
    assert.ok(gone.pid);
    await record(gone.pid);
    assert.equal(await stopOrphanedDevServer(stateDir, () => undefined), undefined);
    await assert.rejects(access(pidFile()));
  });

  it('without a pid file there is nothing to stop', async () => {
    assert.equal(await stopOrphanedDevServer(stateDir, () => undefined), undefined);
  });
});

describe('startDevServer', () => {
  it('runs the server with Go’s collector target lowered, unless the operator sets GOGC', async () => {
    assert.equal(devServerEnv({ GOGC: '100' }).GOGC, '100');
    assert.equal(devServerEnv({ GOGC: ' ' }).GOGC, DEV_SERVER_GOGC);
    const dir = await mkdtemp(join(tmpdir(), 'dev-server-env-'));
    const port = await freePort();
    const server = await startDevServer({
      cliPath: await ensureTemporalCli(),
      port,
      uiPort: await freePort(new Set([port])),
      dbFile: join(dir, 'temporal.sqlite'),
      namespace: 'default',
      logDir: dir,
    });
    try {
      const environ = (await readFile(`/proc/${server.pid}/environ`, 'utf8')).split('\0');
      assert.ok(environ.includes(`GOGC=${DEV_SERVER_GOGC}`), 'GOGC in the server’s environment');
    } finally {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
