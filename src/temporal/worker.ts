import {
  DefaultLogger,
  Worker,
  bundleWorkflowCode,
  type NativeConnection,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import type { AppConfig } from '../config.js';
import { createActivities } from '../pipelines/registry.js';
import { BadInputFailsFast } from './activity-failures.js';

/** The sandbox's entry: every workflow type is exported from here. */
export const WORKFLOWS_PATH = fileURLToPath(new URL('../pipelines/workflows.ts', import.meta.url));
/** Bundled with the workflows: lifts bad-input failures to the run's own failure. */
export const WORKFLOW_INTERCEPTORS_PATH = fileURLToPath(new URL('./workflow-interceptors.ts', import.meta.url));

/** Bundles the workflow code once (webpack); tests and the main command reuse one bundle for many workers. */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    workflowInterceptorModules: [WORKFLOW_INTERCEPTORS_PATH],
    logger: new DefaultLogger('WARN'),
  });
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
    interceptors: {
      ...(workflowBundle ? {} : { workflowModules: [WORKFLOW_INTERCEPTORS_PATH] }),
      // Every activity converts bad input to a non-retryable failure here, not by a call it must remember.
      activity: [() => ({ inbound: new BadInputFailsFast() })],
    },
    // CPU-bound fits share this process with the event loop; two at once suit the 2-core target machine.
    maxConcurrentActivityTaskExecutions: 4,
    // Heartbeats reach the server at least every 2 s (not 80% of the heartbeat timeout), so a cancelled
    // run's fit learns of it within seconds.
    maxHeartbeatThrottleInterval: '2 seconds',
  });
}
