/**
 * Job 1: the three loan workflows on a real Temporal dev server. Each lifecycle gets a fresh DATA_DIR (the real
 * files symlinked in), model store, task queue and worker, so no lakehouse layer or model survives from a run.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadConfig, type AppConfig } from '../../src/config.js';
import type { LoanInferenceResult } from '../../src/pipelines/loan/inference/contract.js';
import { loanInferenceWorkflow } from '../../src/pipelines/loan/inference/workflows.js';
import type { LoanMonitoringResult } from '../../src/pipelines/loan/monitoring/contract.js';
import { loanMonitoringWorkflow } from '../../src/pipelines/loan/monitoring/workflows.js';
import type { LoanTrainingResult } from '../../src/pipelines/loan/training/contract.js';
import { loanTrainingWorkflow } from '../../src/pipelines/loan/training/workflows.js';
import { fixed } from '../support/markdown.js';
import { executeTimed, withTemporal, withWorker, type WorkflowTiming } from '../support/temporal.js';
import { DATASET, REAL_LOAN_DIR, SNAPSHOT, log, type WorkflowName } from './setup.js';

export interface LifecycleRun {
  config: AppConfig;
  timings: Record<WorkflowName, WorkflowTiming>;
  training: LoanTrainingResult;
  inference: LoanInferenceResult;
  monitoring: LoanMonitoringResult;
}

/** A fresh DATA_DIR (real data symlinked in), model store and task queue under a new temporary root. */
async function freshConfig(roots: string[]): Promise<AppConfig> {
  const root = await mkdtemp(join(tmpdir(), 'bench-loan-'));
  roots.push(root);
  const config = loadConfig({
    DATA_DIR: join(root, 'data'),
    MODEL_STORE_DIR: join(root, 'model_store'),
    STATE_DIR: join(root, 'state'),
    TASK_QUEUE: `bench-loan-${randomUUID()}`,
    TEMPORAL_ADDRESS: 'in-bench',
  });
  await mkdir(config.dataDir, { recursive: true });
  await symlink(REAL_LOAN_DIR, join(config.dataDir, DATASET));
  return config;
}

/** Training, then inference and monitoring of SNAPSHOT (no retraining), on a worker of their own. */
function runLifecycle(
  env: TestWorkflowEnvironment,
  workflowBundle: WorkflowBundleWithSourceMap,
  config: AppConfig,
  run: number,
): Promise<LifecycleRun> {
  const id = (name: WorkflowName) => `bench-loan-${name}-${run}`;
  return withWorker(env, workflowBundle, config, async () => {
    const training = await executeTimed(env, config.taskQueue, loanTrainingWorkflow, id('training'), {
      dataset: DATASET,
    });
    log(`run ${run}: training ${fixed(training.timing.wallSeconds)} s`);
    const inference = await executeTimed(env, config.taskQueue, loanInferenceWorkflow, id('inference'), {
      dataset: DATASET,
      snapshotDate: SNAPSHOT,
    });
    log(`run ${run}: inference ${fixed(inference.timing.wallSeconds)} s (${inference.result.rows} loans scored)`);
    const monitoring = await executeTimed(env, config.taskQueue, loanMonitoringWorkflow, id('monitoring'), {
      dataset: DATASET,
      snapshotDate: SNAPSHOT,
      retrainOnDegradation: false,
    });
    log(`run ${run}: monitoring ${fixed(monitoring.timing.wallSeconds)} s (decision ${monitoring.result.decision})`);
    return {
      config,
      timings: { training: training.timing, inference: inference.timing, monitoring: monitoring.timing },
      training: training.result,
      inference: inference.result,
      monitoring: monitoring.result,
    };
  });
}

/** `runs` lifecycles one after the other; their temporary roots are added to `roots` for the caller to remove. */
export function runWorkflows(runs: number, roots: string[]): Promise<LifecycleRun[]> {
  return withTemporal(log, async (env, workflowBundle) => {
    const results: LifecycleRun[] = [];
    for (let run = 1; run <= runs; run++) {
      results.push(await runLifecycle(env, workflowBundle, await freshConfig(roots), run));
    }
    return results;
  });
}
