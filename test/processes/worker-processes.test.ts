import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { processIsRunning } from '../../src/processes/leftovers.js';
import {
  computeThreadsPerWorker,
  defaultWorkerCount,
  startWorkerProcesses,
} from '../../src/processes/worker-processes.js';
import { waitFor } from '../support/wait.js';

const IDLE_WORKER = fileURLToPath(new URL('./idle-worker.ts', import.meta.url));

describe('worker processes', () => {
  it('restarts a worker process that dies, and stop() ends them all', async () => {
    const lines: string[] = [];
    const workers = startWorkerProcesses({
      count: 2,
      entry: IDLE_WORKER,
      env: process.env,
      log: (line) => lines.push(line),
      restartBackoff: { initialMs: 50, maxMs: 500, resetAfterMs: 60_000 },
    });
    try {
      await workers.ready();
      const [victim, survivor] = workers.pids();
      assert.ok(victim && survivor && victim !== survivor);

      process.kill(victim, 'SIGKILL');
      const replacement = await waitFor('a replacement process', async () => {
        await workers.ready();
        return workers.pids().find((pid) => pid !== victim && pid !== survivor);
      });
      assert.equal(workers.restarts(), 1);
      assert.ok(workers.pids().includes(survivor), 'the other worker was left alone');
      assert.ok(lines.some((line) => line.startsWith(`Worker process ${victim} exited (SIGKILL); restarting it in`)));
      assert.ok(lines.includes(`Worker process ${replacement} (restarted) polls the task queue`));

      const running = workers.pids();
      await workers.stop();
      assert.deepEqual(workers.pids(), []);
      for (const pid of running) assert.ok(!processIsRunning(pid), `pid ${pid} stopped`);
      assert.equal(workers.restarts(), 1, 'nothing restarted after stop()');
    } finally {
      await workers.stop();
    }
  });

  it('ready(withinMs) resolves once all poll, and rejects naming the wait when one never does', async () => {
    const start = (silent: boolean) =>
      startWorkerProcesses({
        count: 2,
        entry: IDLE_WORKER,
        env: { ...process.env, IDLE_WORKER_SILENT: silent ? '1' : '0' },
        log: () => undefined,
      });
    const polling = start(false);
    const silent = start(true);
    try {
      await polling.ready(60_000);
      await assert.rejects(silent.ready(300), /^Error: 2 worker processes did not start polling within 0.3 s$/);
    } finally {
      await Promise.all([polling.stop(), silent.stop()]);
    }
  });

  it('shares the cores: one process per two cores by default, compute threads split among them', () => {
    assert.deepEqual(
      [1, 2, 3, 8].map((cores) => defaultWorkerCount(cores)),
      [1, 1, 1, 4],
    );
    assert.equal(computeThreadsPerWorker(1, 2), 2);
    assert.equal(computeThreadsPerWorker(2, 2), 1);
    assert.equal(computeThreadsPerWorker(3, 2), 1);
    assert.equal(computeThreadsPerWorker(4, 8), 2);
  });
});
