/** What a workflow knows about its own run (deterministic: all of it comes from workflow info). */
import { workflowInfo } from '@temporalio/workflow';

/**
 * The time a run is "for": a schedule's nominal time (so backfills score their own months), else the
 * start time.
 */
export function referenceTime(): string {
  const info = workflowInfo();
  const scheduled = info.searchAttributes?.TemporalScheduledStartTime?.[0];
  const time =
    scheduled instanceof Date ? scheduled : typeof scheduled === 'string' ? new Date(scheduled) : info.startTime;
  return time.toISOString();
}

/** True when a schedule (or its backfill) started this run. */
export function startedBySchedule(): boolean {
  return Boolean(workflowInfo().searchAttributes?.TemporalScheduledById);
}

/** A run's start time as a compact UTC stamp plus its run id prefix: model ids that say when, and are deterministic. */
export function runStamp(): string {
  const { startTime, runId } = workflowInfo();
  const stamp = startTime
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${runId.slice(0, 8)}`;
}

/** The innermost message of a failure chain ("Column X is missing …", not "Activity task failed"). */
export function innermostMessage(err: unknown): string {
  let current: unknown = err;
  let message = err instanceof Error ? err.message : String(err);
  while (current instanceof Error) {
    message = current.message;
    current = current.cause;
  }
  return message;
}
