import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleDescription,
  type ScheduleOptions,
} from '@temporalio/client';
import type { AppConfig } from '../../config.js';
import { runStartMetadata } from '../../temporal/search-attributes.js';
import { LOAN_PIPELINES } from './config.js';
import { describeLoanInferenceRun } from './inference/contract.js';
import { loanInferenceWorkflow } from './inference/workflows.js';
import { describeLoanMonitoringRun } from './monitoring/contract.js';
import { loanMonitoringWorkflow } from './monitoring/workflows.js';
import { describeLoanTrainingRun } from './training/contract.js';
import { loanTrainingWorkflow } from './training/workflows.js';

/** The daily lifecycle: retrain at 02:00, score at 06:00, monitor at 08:00 (in the configured time zone). */
export const LOAN_SCHEDULES = [
  {
    scheduleId: 'loan-training-daily',
    workflow: loanTrainingWorkflow,
    hour: 2,
    pipeline: LOAN_PIPELINES.training,
    describe: describeLoanTrainingRun,
  },
  {
    scheduleId: 'loan-inference-daily',
    workflow: loanInferenceWorkflow,
    hour: 6,
    pipeline: LOAN_PIPELINES.inference,
    describe: describeLoanInferenceRun,
  },
  {
    scheduleId: 'loan-monitoring-daily',
    workflow: loanMonitoringWorkflow,
    hour: 8,
    pipeline: LOAN_PIPELINES.monitoring,
    describe: describeLoanMonitoringRun,
  },
] as const;

export type LoanScheduleId = (typeof LOAN_SCHEDULES)[number]['scheduleId'];

/** A missed run (server down) is still taken if it is at most this late; older ones are left to backfill. */
export const SCHEDULE_CATCHUP_WINDOW = '6 hours';

function scheduleOptions(config: AppConfig, entry: (typeof LOAN_SCHEDULES)[number], dataset: string): ScheduleOptions {
  // Every scheduled run carries its summary, parameters and search attributes (MlPipeline, MlDataset).
  const description = entry.describe({ dataset });
  const metadata = runStartMetadata(entry.pipeline, {
    ...description,
    summary: description.summary.replace('latest month', 'month of the scheduled time') + ' · scheduled',
  });
  return {
    scheduleId: entry.scheduleId,
    spec: { calendars: [{ hour: entry.hour, minute: 0 }], timezone: config.scheduleTimeZone },
    action: {
      type: 'startWorkflow',
      workflowType: entry.workflow,
      // Scheduled runs take their snapshot month from the scheduled time (see the workflows).
      args: [{ dataset }],
      taskQueue: config.taskQueue,
      workflowId: entry.scheduleId.replace(/-daily$/, '-scheduled'),
      ...metadata,
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: SCHEDULE_CATCHUP_WINDOW },
  };
}

/** Creates the three schedules, or updates them in place when they exist: re-running never duplicates. */
export async function ensureLoanSchedules(
  client: Client,
  config: AppConfig,
  dataset = 'loan',
): Promise<{ created: string[]; updated: string[] }> {
  const created: string[] = [];
  const updated: string[] = [];
  for (const entry of LOAN_SCHEDULES) {
    const options = scheduleOptions(config, entry, dataset);
    try {
      await client.schedule.create(options);
      created.push(entry.scheduleId);
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await client.schedule.getHandle(entry.scheduleId).update((previous: ScheduleDescription) => ({
        ...previous,
        spec: options.spec,
        action: options.action,
        policies: { ...previous.policies, ...options.policies },
      }));
      updated.push(entry.scheduleId);
    }
  }
  return { created, updated };
}
