import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { processIsRunning } from '../../src/processes/leftovers.js';
import { DEV_SERVER_PID_FILE, stopOrphanedDevServer } from '../../src/temporal/dev-server.js';

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
