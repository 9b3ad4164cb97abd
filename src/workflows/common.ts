import { ActivityFailure, ApplicationFailure, workflowInfo, type RetryPolicy } from '@temporalio/workflow';

/** Same string as the activities' failure type (kept here too: workflows may not import activity code). */
export const DATA_VALIDATION_FAILURE_TYPE = 'DataValidationError';

/** Transient faults (a locked file, a busy disk, a restarted worker) get retried with backoff; bad input never. */
export const standardRetry: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '30 seconds',
  maximumAttempts: 5,
  nonRetryableErrorTypes: [DATA_VALIDATION_FAILURE_TYPE],
};

/**
 * Lifts an activity's bad-input failure to the workflow's own failure, so the run's error reads
 * "Column X is missing from Y" rather than "Activity task failed".
 */
export function surfaceBadInput(err: unknown): unknown {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  if (cause instanceof ApplicationFailure && cause.type === DATA_VALIDATION_FAILURE_TYPE) {
    return ApplicationFailure.create({
      message: cause.message,
      type: DATA_VALIDATION_FAILURE_TYPE,
      nonRetryable: true,
      details: cause.details ? [...cause.details] : undefined,
    });
  }
  return err;
}

/**
 * The time a run is "for": a schedule's nominal time (so backfills score their own months), else the
 * start time. Deterministic: both come from workflow info.
 */
export function referenceTime(): string {
  const info = workflowInfo();
  const scheduled = info.searchAttributes?.TemporalScheduledStartTime?.[0];
  const time =
    scheduled instanceof Date ? scheduled : typeof scheduled === 'string' ? new Date(scheduled) : info.startTime;
  return time.toISOString();
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
