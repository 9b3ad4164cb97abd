/**
 * The Temporal side of a workflow benchmark: a local dev server started like the integration tests' (the project's
 * CLI, in-memory SQLite), real workers from src/temporal/worker.ts, and workflow runs timed from the client.
 */
import type { Workflow, WorkflowResultType } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

import type { AppConfig } from '../../src/config.js';
import { ensureTemporalCli } from '../../src/temporal/cli.js';
import { bundleWorkflows, createWorker } from '../../src/temporal/worker.js';
import { cpuSecondsSince, secondsSince } from './timing.js';
import { activitySpans, workflowServerSeconds, type ActivitySpan } from './workflow-history.js';

export interface WorkflowTiming {
  /** Client side: start request to result. */
  wallSeconds: number;
  /** Server side: WorkflowExecutionStarted to WorkflowExecutionCompleted event. */
  serverSeconds: number;
  /** CPU time of this process (worker, activities, DuckDB threads) during the run: > wall means both cores worked. */
  cpuSeconds: number;
  activities: ActivitySpan[];
}

export interface Timed<T> {
  result: T;
  timing: WorkflowTiming;
}

/**
 * Starts a dev server, bundles the workflows once, runs `work`, and tears the server down. Worker logging is kept
 * to warnings.
 */
export async function withTemporal<T>(
  log: (line: string) => void,
  work: (env: TestWorkflowEnvironment, workflowBundle: WorkflowBundleWithSourceMap) => Promise<T>,
): Promise<T> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const cliPath = await ensureTemporalCli(log);
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: cliPath }, extraArgs: ['--log-level', 'error'] },
  });
  try {
    return await work(env, await bundleWorkflows());
  } finally {
    await env.teardown();
  }
}

/** A real worker (real activities) on `config`'s task queue for the duration of `work`. */
export async function withWorker<T>(
  env: TestWorkflowEnvironment,
  workflowBundle: WorkflowBundleWithSourceMap,
  config: AppConfig,
  work: () => Promise<T>,
): Promise<T> {
  const worker = await createWorker({ config, connection: env.nativeConnection, workflowBundle });
  const done = worker.run();
  try {
    return await work();
  } finally {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await done;
  }
}

/** Executes `workflow` to completion and times it: client wall and process CPU time, then the history's spans. */
export async function executeTimed<W extends Workflow>(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  workflow: W,
  workflowId: string,
  input: Parameters<W>[0],
): Promise<Timed<WorkflowResultType<W>>> {
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  // Typed by executeTimed's own signature: the client's options type cannot be resolved for a generic W.
  const execution = env.client.workflow.execute<Workflow>(workflow, { workflowId, taskQueue, args: [input] });
  const result = (await execution) as WorkflowResultType<W>;
  const wallSeconds = secondsSince(started);
  const cpuSeconds = cpuSecondsSince(cpuStart);
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  return {
    result,
    timing: {
      wallSeconds,
      serverSeconds: workflowServerSeconds(history),
      cpuSeconds,
      activities: activitySpans(history),
    },
  };
}
