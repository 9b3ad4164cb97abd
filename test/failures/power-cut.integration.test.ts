/**
 * A power cut and a crash of only the main process, on a real `src/main.ts` stack with its own state: the
 * run in flight completes after the restart, with what an uninterrupted run produces, and nothing
 * half-written; an orphaned dev server is recognised by its pid file and stopped, never a port clash.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { findOrphanedTempFiles, processIsRunning } from '../../src/processes/leftovers.js';
import { withDuckDb, sqlString } from '../../src/storage/duckdb.js';
import {
  apiHeaders,
  createStackHome,
  devServerPid,
  killGroup,
  listFiles,
  phaseLog,
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
import { waitFor } from '../support/wait.js';

interface TrainingResult {
  championModelId: string;
  models: Record<string, unknown>[];
}

/** What must not differ between an interrupted and an uninterrupted run: all but fit times, at any depth. */
function withoutTimings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTimings);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).flatMap(([key, inner]) => (key === 'fitSeconds' ? [] : [[key, withoutTimings(inner)]])),
  );
}

async function modelArtifact(home: StackHome, modelId: string): Promise<unknown> {
  const response = await fetch(`${home.apiUrl}/models/${modelId}`, { headers: apiHeaders() });
  assert.equal(response.status, 200);
  const { model, metrics, params } = (await response.json()) as Record<string, unknown>;
  return withoutTimings({ model, metrics, params });
}

function workerPidsPrinted(main: MainProcess): number[] {
  const line = /Workers: \d+ processes \(pids ([\d, ]+)\)/.exec(main.output());
  return line ? line[1].split(', ').map(Number) : [];
}

describe('failures: power cut and a crashed main process', () => {
  let home: StackHome;
  const mains: MainProcess[] = [];

  before(async () => {
    home = await createStackHome();
  });

  after(async () => {
    await removeStack(home, mains);
  });

  it('kill -9 of the whole process group mid-fit: after a restart the run completes, as an uninterrupted one', async () => {
    const phase = phaseLog('power cut');
    const first = startMain(home, ['--workers', '1']);
    mains.push(first);
    await waitForHealthyApi(home, first);
    phase('stack up');
    const temporal = await temporalClient(home);
    try {
      const runId = await startRun(home, 'loan-training', { dataset: 'loan' });
      const fitting = await workerRunningStage((id) => runStatus(home, id), temporal.client, runId, 'training');
      phase(`fitting (${fitting.activityType} on pid ${fitting.pid}): kill -9 of the process group`);
      const serverPid = await devServerPid(home);

      // The power cut: every process of the stack at once, mid-fit.
      killGroup(first.pid);
      await first.exited;
      await waitUntilGone(fitting.pid, 'the worker process');
      await waitUntilGone(serverPid, 'the dev server');

      const second = startMain(home, ['--workers', '1']);
      mains.push(second);
      await waitForHealthyApi(home, second);
      phase('restarted');
      const interrupted = await runClosed<TrainingResult>(home, runId);
      assert.equal(interrupted.status, 'completed', JSON.stringify(interrupted.error));

      phase('the interrupted run completed');
      const uninterruptedId = await startRun(home, 'loan-training', { dataset: 'loan' });
      const uninterrupted = await runClosed<TrainingResult>(home, uninterruptedId);
      assert.equal(uninterrupted.status, 'completed', JSON.stringify(uninterrupted.error));
      const [a, b] = [interrupted.result, uninterrupted.result];
      assert.ok(a && b);
      phase('the uninterrupted run completed');
      assert.deepEqual(withoutTimings(a.models), withoutTimings(b.models));
      assert.deepEqual(await modelArtifact(home, a.championModelId), await modelArtifact(home, b.championModelId));

      // Every activity of the run heartbeats within tens of seconds: no step waits out a long timeout.
      const history = await temporal.client.workflow.getHandle(runId).fetchHistory();
      const scheduled = (history.events ?? []).flatMap((event) =>
        event.activityTaskScheduledEventAttributes ? [event.activityTaskScheduledEventAttributes] : [],
      );
      assert.ok(scheduled.length > 0);
      for (const attributes of scheduled) {
        const seconds = Number(attributes?.heartbeatTimeout?.seconds ?? 0);
        assert.ok(seconds > 0 && seconds <= 60, `${attributes?.activityType?.name} heartbeat timeout ${seconds} s`);
      }
    } finally {
      await temporal.close();
    }

    // Nothing half-written: no temp file left, every JSON parses and every Parquet file reads.
    const files = [...(await listFiles(home.dataDir)), ...(await listFiles(home.modelStoreDir))];
    assert.deepEqual(
      files.filter((path) => path.endsWith('.tmp')),
      [],
    );
    assert.deepEqual(await findOrphanedTempFiles([home.dataDir, home.modelStoreDir]), []);
    for (const path of files.filter((file) => file.endsWith('.json'))) JSON.parse(await readFile(path, 'utf8'));
    const parquet = files.filter((file) => file.endsWith('.parquet'));
    assert.ok(parquet.length > 0);
    await withDuckDb(async (conn) => {
      for (const path of parquet) await conn.run(`SELECT count(*) FROM read_parquet(${sqlString(path)})`);
    });
  });

  it('kill -9 of only the main process: its workers exit, and the next start stops the orphaned dev server', async () => {
    const running = mains.at(-1);
    assert.ok(running && running.child.exitCode === null, 'the stack of the previous test still runs');
    const workerPids = workerPidsPrinted(running);
    assert.ok(workerPids.length > 0, running.output());
    const orphanedServer = await devServerPid(home);

    process.kill(running.pid, 'SIGKILL');
    await running.exited;
    // The workers notice their parent is gone (IPC closed) and shut down; the dev server is left behind.
    for (const pid of workerPids) await waitUntilGone(pid, 'an orphaned worker process');
    assert.ok(processIsRunning(orphanedServer), 'the dev server outlived its main process');

    const next = startMain(home, ['--workers', '1']);
    mains.push(next);
    await waitForHealthyApi(home, next);
    assert.match(
      next.output(),
      new RegExp(`Stopping the Temporal dev server \\(pid ${orphanedServer}\\) left running`),
    );
    assert.ok(!processIsRunning(orphanedServer));
    assert.notEqual(await devServerPid(home), orphanedServer);
    // The same history: the schedules the first start created are found and updated, not created.
    await waitFor('the schedules line', () =>
      /Schedules .*created \[\] updated \[/.exec(next.output()) ? true : undefined,
    );

    // A graceful stop (SIGTERM) takes everything down and removes the pid file.
    const server = await devServerPid(home);
    const workers = workerPidsPrinted(next);
    process.kill(next.pid, 'SIGTERM');
    await next.exited;
    for (const pid of [server, ...workers]) await waitUntilGone(pid, 'a process of the stopped stack');
    await assert.rejects(devServerPid(home));
  });
});
