/**
 * The two kinds of activity call the workflows make, written once (workflow-safe). Every call carries a
 * one-line summary that the Temporal UI shows (which model, table, month or k-range it works on).
 */
import {
  ActivityCancellationType,
  proxyActivities,
  type ActivityInterfaceFor,
  type ActivityOptions,
} from '@temporalio/workflow';
import { standardRetry } from '../failures.js';

type Timeout = NonNullable<ActivityOptions['startToCloseTimeout']>;

/**
 * Every activity heartbeats (the worker's `HeartbeatWhileRunning` interceptor does it for all of them, every
 * few seconds, whatever stage they are in), so a worker that dies, with or without the whole machine, is
 * noticed this long after its last heartbeat and the activity is retried elsewhere: about half a minute in
 * all, never the start-to-close timeout of a long step.
 */
export const LOST_WORKER_HEARTBEAT_TIMEOUT = '20 seconds';

/** Quick steps (I/O, DuckDB): a hung one is cut off at the timeout and retried with backoff. */
export function quickSteps(startToCloseTimeout: Timeout): ActivityOptions {
  return { startToCloseTimeout, heartbeatTimeout: LOST_WORKER_HEARTBEAT_TIMEOUT, retry: standardRetry };
}

/**
 * Long CPU work that checkpoints: a lost worker is noticed within the heartbeat timeout, a retry resumes from
 * the last checkpoint, and a cancelled run stops at the activity's next checkpoint; the run closes only once
 * the activity has really stopped.
 */
export function heartbeatingWork(
  startToCloseTimeout: Timeout,
  heartbeatTimeout: Timeout = LOST_WORKER_HEARTBEAT_TIMEOUT,
): ActivityOptions {
  return {
    startToCloseTimeout,
    heartbeatTimeout,
    retry: standardRetry,
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  };
}

/** Activities proxied with these options and a per-call summary: `steps('bronze loan/x').ingest(...)`. */
export function summarisedActivities<A>(options: ActivityOptions): (summary: string) => ActivityInterfaceFor<A> {
  return (summary) => proxyActivities<A>({ ...options, summary });
}
