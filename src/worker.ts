import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { closeComputePool, warmComputePool } from './compute/pool.js';
import { loadConfig } from './config.js';
import { COMPUTE_TASKS } from './pipelines/registry.js';
import { removeOrphanedScratchFolders } from './processes/leftovers.js';
import { lowerThreadPriorities, workerNiceness } from './processes/niceness.js';
import { WORKER_READY_MESSAGE } from './processes/worker-processes.js';
import { createWorker } from './temporal/worker.js';

/**
 * A worker process against TEMPORAL_ADDRESS (default 127.0.0.1:TEMPORAL_PORT): `npm run worker` stand-alone,
 * or one of `npm start`'s worker processes. Stops gracefully on SIGINT/SIGTERM, and when the process that
 * started it dies (its IPC channel closes), so a crashed `npm start` leaves no worker behind.
 */
async function run(): Promise<void> {
  const config = loadConfig();
  // Before the SDK's, the pool's and DuckDB's threads start, so they inherit it; again once they run.
  const niceness = workerNiceness();
  if (niceness !== undefined) lowerThreadPriorities(niceness);
  // The SDK logs every worker state change at INFO; operators need warnings and errors.
  Runtime.install({ logger: new DefaultLogger((process.env.LOG_LEVEL as 'WARN' | undefined) ?? 'WARN') });
  const connection = await NativeConnection.connect({
    address: config.temporalAddress ?? `127.0.0.1:${config.devServerPort}`,
  });
  try {
    // A worker killed with kill -9 leaves its task bundles and DuckDB spills in the temp folder.
    await removeOrphanedScratchFolders();
    const codePath = process.env.WORKFLOW_BUNDLE_PATH;
    // The compute threads load the fits' modules while the worker is created, not when the first run needs them.
    const warming = warmComputePool(COMPUTE_TASKS);
    const worker = await createWorker({ config, connection, workflowBundle: codePath ? { codePath } : undefined });
    // The SDK installs SIGINT/SIGTERM handlers that call worker.shutdown(): in-flight activities finish first.
    process.once('disconnect', () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
    });
    const running = worker.run();
    await warming;
    if (niceness !== undefined) lowerThreadPriorities(niceness);
    if (process.send) process.send(WORKER_READY_MESSAGE);
    else console.log(`Worker polling task queue "${config.taskQueue}" in namespace "${config.namespace}"`);
    await running;
  } finally {
    await closeComputePool();
    await connection.close();
  }
}

run().then(
  // Exit even if something (an idle compute thread, the IPC channel) would keep the event loop alive.
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
