import { CancelledFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

import { createIdleCollector } from '../compute/collect.js';

/** The workflow an activity runs for (this project's activities are always started by a workflow). */
export function callingWorkflow(): { workflowId: string; runId: string } {
  const execution = Context.current().info.workflowExecution;
  if (!execution) throw new Error('This activity must be called from a workflow');
  return execution;
}

/** The details each running activity last checkpointed, re-sent by the interval heartbeats below. */
const lastCheckpoints = new WeakMap<Context, { details: unknown }>();

/**
 * A safe point of a long activity (between k values, months, phases of a fit): heartbeats `details` (a retry
 * finds them in `info.heartbeatDetails`), lets the worker deliver a pending cancellation, and throws
 * Temporal's `CancelledFailure` if the run was cancelled, so nothing after it (a model save, a champion
 * change) happens. Activities heartbeat through this, never `Context.heartbeat` directly, so the interval
 * heartbeats re-send what they checkpointed instead of erasing it.
 */
export async function checkpoint(details?: unknown): Promise<void> {
  const context = Context.current();
  lastCheckpoints.set(context, { details });
  context.heartbeat(details);
  await yieldToEventLoop();
  const signal = context.cancellationSignal;
  if (signal.aborted) {
    throw signal.reason instanceof CancelledFailure ? signal.reason : new CancelledFailure('Activity cancelled');
  }
}

/** How often a running activity heartbeats on its own: several times per heartbeat timeout, at most every 5 s. */
export function heartbeatIntervalMs(heartbeatTimeoutMs: number | undefined): number {
  if (!heartbeatTimeoutMs) return 5_000;
  return Math.max(200, Math.min(5_000, Math.floor(heartbeatTimeoutMs / 4)));
}

/** Between a run's activities the worker is idle for milliseconds; two seconds means the run is over. */
const idleCollection = createIdleCollector(2_000);

/**
 * Every activity heartbeats while it runs, whatever it is doing (a DuckDB query, a fit on a compute thread),
 * so the server notices a lost worker within the heartbeat timeout and a cancellation reaches every activity.
 * Each heartbeat re-sends the activity's last checkpoint (or, before its first, the previous attempt's), so a
 * retry still resumes from there.
 */
export class HeartbeatWhileRunning implements ActivityInboundCallsInterceptor {
  constructor(private readonly context: Context) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const { context } = this;
    lastCheckpoints.set(context, { details: context.info.heartbeatDetails });
    const timer = setInterval(() => {
      context.heartbeat(lastCheckpoints.get(context)?.details);
    }, heartbeatIntervalMs(context.info.heartbeatTimeoutMs));
    idleCollection.activityStarted();
    try {
      return await next(input);
    } finally {
      clearInterval(timer);
      lastCheckpoints.delete(context);
      // Once the worker has been idle a while, its event loop collects the finished run's garbage.
      idleCollection.activityFinished();
    }
  }
}
