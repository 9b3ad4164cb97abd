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

/** Quick steps (I/O, DuckDB): a hung one is cut off at the timeout and retried with backoff. */
export function quickSteps(startToCloseTimeout: Timeout): ActivityOptions {
  return { startToCloseTimeout, retry: standardRetry };
}

/**
 * Long CPU work that heartbeats: a lost worker is noticed within the heartbeat timeout, and a cancelled run
 * stops at the activity's next checkpoint; the run closes only once the activity has really stopped.
 */
export function heartbeatingWork(startToCloseTimeout: Timeout, heartbeatTimeout: Timeout): ActivityOptions {
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
