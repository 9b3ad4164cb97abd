import type { Client } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** The nominal time of a scheduled (or backfilled) run, a system search attribute. */
const SCHEDULED_START_TIME = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

export interface ScheduledRun {
  workflowId: string;
  scheduledAt: string;
  status: string;
}

/**
 * Runs a schedule started for nominal times in [from, to], oldest first: a test counts only these, so a live
 * trigger of the same schedule during the test cannot add to the count.
 */
export async function scheduledRuns(client: Client, scheduleId: string, from: Date, to: Date): Promise<ScheduledRun[]> {
  const runs: ScheduledRun[] = [];
  for await (const execution of client.workflow.list({ query: `TemporalScheduledById = '${scheduleId}'` })) {
    const scheduledAt = execution.typedSearchAttributes.get(SCHEDULED_START_TIME);
    if (scheduledAt && scheduledAt >= from && scheduledAt <= to) {
      runs.push({
        workflowId: execution.workflowId,
        scheduledAt: scheduledAt.toISOString(),
        status: execution.status.name,
      });
    }
  }
  return runs.sort((a, b) => a.scheduledAt.localeCompare(b.scheduledAt));
}
