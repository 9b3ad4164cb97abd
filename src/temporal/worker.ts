import {
  DefaultLogger,
  Worker,
  bundleWorkflowCode,
  type NativeConnection,
  type WorkflowBundleOption,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import type { AppConfig } from '../config.js';
import { createActivities } from '../pipelines/registry.js';
import { writeFileAtomic } from '../storage/atomic-file.js';
import { HeartbeatWhileRunning } from './activity-context.js';
import { BadInputFailsFast } from './activity-failures.js';
import { siblingModulePath } from '../processes/module-path.js';

/** The sandbox's entry: every workflow type is exported from here. */
export const WORKFLOWS_PATH = siblingModulePath(import.meta.url, '../pipelines/workflows');
/** Bundled with the workflows: lifts bad-input failures to the run's own failure. */
export const WORKFLOW_INTERCEPTORS_PATH = siblingModulePath(import.meta.url, './workflow-interceptors');

/** Bundles the workflow code once (webpack); tests and the main command reuse one bundle for many workers. */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    workflowInterceptorModules: [WORKFLOW_INTERCEPTORS_PATH],
    logger: new DefaultLogger('WARN'),
  });
}

/**
 * Bundles the workflows into a file that worker processes load (`{ codePath }`): the main command bundles
 * once per start, so N worker processes, and every restart of one, skip webpack.
 */
export async function writeWorkflowBundle(codePath: string): Promise<string> {
  const { code } = await bundleWorkflows();
  await writeFileAtomic(codePath, code);
  return codePath;
}

export interface CreateWorkerOptions {
  config: AppConfig;
  connection: NativeConnection;
  /** A bundle made by bundleWorkflows() or a file written by writeWorkflowBundle(); bundled here otherwise. */
  workflowBundle?: WorkflowBundleOption;
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
      // Every activity heartbeats and converts bad input to a non-retryable failure here, not by calls it
      // must remember.
      activity: [
        (context) => ({ inbound: new HeartbeatWhileRunning(context) }),
        () => ({ inbound: new BadInputFailsFast() }),
      ],
    },
    // The fits run on the compute pool's threads; the event loop only orchestrates, so a few at once is fine.
    maxConcurrentActivityTaskExecutions: 4,
    // Heartbeats reach the server at least every 2 s (not 80% of the heartbeat timeout), so a cancelled
    // run's fit learns of it within seconds.
    maxHeartbeatThrottleInterval: '2 seconds',
    // At shutdown (Ctrl-C, a restart) in-flight activities get this long to finish; then they are cancelled,
    // reported failed and retried on another worker at once rather than after the heartbeat timeout.
    shutdownGraceTime: '10 seconds',
  });
}
