import {
  DefaultLogger,
  NativeConnection,
  Worker,
  bundleWorkflowCode,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { createActivities } from './activities/index.js';
import { loadConfig, type AppConfig } from './config.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

/** Bundles the workflow code once (webpack); tests and the main command reuse one bundle for many workers. */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
}

export interface CreateWorkerOptions {
  config: AppConfig;
  connection: NativeConnection;
  workflowBundle?: WorkflowBundleWithSourceMap;
  /** Replace or wrap activities (tests inject faults this way); defaults to the real ones. */
  activities?: object;
}

export async function createWorker({
  config,
  connection,
  workflowBundle,
  activities,
}: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: activities ?? createActivities(config),
    // CPU-bound fits share this process with the event loop; two at once suit the 2-core target machine.
    maxConcurrentActivityTaskExecutions: 4,
  });
}

/** Stand-alone worker against TEMPORAL_ADDRESS (default localhost:7233); stops gracefully on SIGINT/SIGTERM. */
async function run(): Promise<void> {
  const config = loadConfig();
  const connection = await NativeConnection.connect({
    address: config.temporalAddress ?? `127.0.0.1:${config.devServerPort}`,
  });
  try {
    const worker = await createWorker({ config, connection });
    // The SDK installs SIGINT/SIGTERM handlers that call worker.shutdown(): in-flight activities finish first.
    console.log(`Worker polling task queue "${config.taskQueue}" in namespace "${config.namespace}"`);
    await worker.run();
  } finally {
    await connection.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
