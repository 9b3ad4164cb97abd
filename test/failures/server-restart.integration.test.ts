/**
 * The Temporal server restarted mid-run (the dev server stopped and started again on the same SQLite file,
 * as an operator restarts a server): the stack's API and workers reconnect and the run continues.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureTemporalCli } from '../../src/temporal/cli.js';
import { startDevServer, type DevServerOptions, type RunningDevServer } from '../../src/temporal/dev-server.js';
import {
  createStackHome,
  freePort,
  phaseLog,
  removeStack,
  runClosed,
  startMain,
  startRun,
  temporalClient,
  waitForHealthyApi,
  runStatus,
  workerRunningStage,
  type MainProcess,
  type StackHome,
} from './support.js';

describe('failures: the Temporal server restarted mid-run', () => {
  let home: StackHome;
  let serverOptions: DevServerOptions;
  let server: RunningDevServer | undefined;
  const mains: MainProcess[] = [];

  before(async () => {
    const [port, uiPort] = [await freePort(), await freePort()];
    home = await createStackHome({
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
      TEMPORAL_UI_URL: `http://127.0.0.1:${uiPort}`,
    });
    home.temporalAddress = `127.0.0.1:${port}`;
    const serverDir = join(home.root, 'server');
    serverOptions = {
      cliPath: await ensureTemporalCli(),
      port,
      uiPort,
      dbFile: join(serverDir, 'temporal.sqlite'),
      namespace: 'default',
      logDir: serverDir,
    };
  });

  after(async () => {
    await removeStack(home, mains);
    await server?.stop();
  });

  it('stop and start on the same SQLite file while a run fits: the run completes', async () => {
    const phase = phaseLog('server restart');
    server = await startDevServer(serverOptions);
    const main = startMain(home, ['--workers', '1']);
    mains.push(main);
    await waitForHealthyApi(home, main);
    phase('stack up');
    const runId = await startRun(home, 'loan-training', { dataset: 'loan' });
    const temporal = await temporalClient(home);
    try {
      const fitting = await workerRunningStage((id) => runStatus(home, id), temporal.client, runId, 'training');
      phase(`fitting (${fitting.activityType} on pid ${fitting.pid}): restarting the server`);
    } finally {
      await temporal.close();
    }

    await server.stop();
    server = undefined;
    server = await startDevServer(serverOptions);
    phase('server restarted');

    await waitForHealthyApi(home, main);
    const closed = await runClosed(home, runId);
    phase('the run completed');
    assert.equal(closed.status, 'completed', JSON.stringify(closed.error));
    // And the stack takes new work on the restarted server.
    const next = await runClosed(home, await startRun(home, 'loan-inference', { dataset: 'loan' }));
    assert.equal(next.status, 'completed', JSON.stringify(next.error));
    phase('a new run completed');
  });
});
