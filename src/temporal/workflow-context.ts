/** What a workflow knows about its own run (deterministic: all of it comes from workflow info). */
import { patched, workflowInfo } from '@temporalio/workflow';

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

/**
 * A run's start time as a compact UTC stamp plus 8 characters of its run id: model ids that say when, and are
 * deterministic. Run ids are UUIDv7, whose first characters are a timestamp too: two runs started in the same
 * second shared the prefix, so both saved the same model id (one overwrote the other). The random tail tells
 * them apart; runs recorded before keep the prefix on replay.
 */
export function runStamp(): string {
  const { startTime, runId } = workflowInfo();
  const stamp = startTime
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${runStampSuffix(runId, patched('run-stamp-random-tail'))}`;
}

/** The run id part of a run stamp: its random tail, or (runs recorded before that) its time-based prefix. */
export function runStampSuffix(runId: string, randomTail: boolean): string {
  return randomTail ? runId.replace(/-/g, '').slice(-8) : runId.slice(0, 8);
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
