/**
 * A lost worker process: with `--workers 2`, the worker holding a running fit is killed with SIGKILL. The fit
 * is retried on a live worker once its heartbeats stop, the run completes, the API answers all along and the
 * supervisor restarts the dead worker.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '../support/wait.js';
import {
  createStackHome,
  phaseLog,
  pidOfIdentity,
  removeStack,
  runClosed,
  startMain,
  startRun,
  temporalClient,
  waitForHealthyApi,
  waitUntilGone,
  runStatus,
  workerRunningStage,
  type MainProcess,
  type StackHome,
} from './support.js';

/** Polls /health until stopped; every answer must be a 200. */
function probeApi(home: StackHome): { stop(): Promise<{ answered: number; failures: string[] }> } {
  let probing = true;
  let answered = 0;
  const failures: string[] = [];
  const loop = (async () => {
    while (probing) {
      try {
        const response = await fetch(`${home.apiUrl}/health`);
        if (response.ok) answered++;
        else failures.push(`HTTP ${response.status}: ${await response.text()}`);
      } catch (err) {
        failures.push((err as Error).message);
      }
      await sleep(200);
    }
  })();
  return {
    async stop() {
      probing = false;
      await loop;
      return { answered, failures };
    },
  };
}

describe('failures: a lost worker process', () => {
  let home: StackHome;
  const mains: MainProcess[] = [];

  before(async () => {
    home = await createStackHome();
  });

  after(async () => {
    await removeStack(home, mains);
  });

  it('kill -9 of the worker holding a fit: the run completes on another worker and the dead one is restarted', async () => {
    const phase = phaseLog('worker loss');
    const main = startMain(home, ['--workers', '2']);
    mains.push(main);
    await waitForHealthyApi(home, main);
    const workerPids = await waitFor('the two worker pids', () => {
      const line = /Workers: 2 processes \(pids (\d+), (\d+)\)/.exec(main.output());
      return line ? [Number(line[1]), Number(line[2])] : undefined;
    });
    phase(`stack up, workers ${workerPids.join(', ')}`);
    const temporal = await temporalClient(home);
    try {
      const runId = await startRun(home, 'loan-training', { dataset: 'loan' });
      const fitting = await workerRunningStage((id) => runStatus(home, id), temporal.client, runId, 'training');
      assert.ok(workerPids.includes(fitting.pid), `${fitting.pid} is one of ${workerPids.join(', ')}`);

      const probe = probeApi(home);
      phase(`fitting (${fitting.activityType} on pid ${fitting.pid}): kill -9 of that worker`);
      process.kill(fitting.pid, 'SIGKILL');
      await waitUntilGone(fitting.pid, 'the killed worker');

      const restartedPid = await waitFor('the supervisor to restart the dead worker', () => {
        const line = /Worker process (\d+) \(restarted\) polls the task queue/.exec(main.output());
        return line ? Number(line[1]) : undefined;
      });
      assert.match(main.output(), new RegExp(`Worker process ${fitting.pid} exited \\(SIGKILL\\); restarting it`));
      assert.ok(!workerPids.includes(restartedPid));
      phase(`worker restarted as pid ${restartedPid}`);
      // Temporal sees it too: the new process polls the task queue under its own identity.
      await waitFor('the restarted worker among the task queue pollers', async () => {
        const { pollers } = await temporal.client.workflowService.describeTaskQueue({
          namespace: 'default',
          taskQueue: { name: 'ml-pipelines' },
          taskQueueType: 2, // activities
        });
        return pollers?.some((poller) => poller.identity?.startsWith(`${restartedPid}@`)) ? true : undefined;
      });

      const closed = await runClosed(home, runId);
      phase('the run completed');
      const { answered, failures } = await probe.stop();
      assert.equal(closed.status, 'completed', JSON.stringify(closed.error));
      assert.deepEqual(failures, [], 'the API answered every request while the worker was lost');
      assert.ok(answered > 0);

      // The activity the dead worker held ran again, on a live worker.
      const history = await temporal.client.workflow.getHandle(runId).fetchHistory();
      const retried = (history.events ?? []).flatMap((event) => {
        const started = event.activityTaskStartedEventAttributes;
        return started && Number(started.attempt) > 1 && started.identity ? [pidOfIdentity(started.identity)] : [];
      });
      assert.ok(retried.length > 0, 'an activity was retried after the worker was lost');
      assert.ok(!retried.includes(fitting.pid));
    } finally {
      await temporal.close();
    }
  });
});
