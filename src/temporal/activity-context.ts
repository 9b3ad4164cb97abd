import { CancelledFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

/** The workflow an activity runs for (this project's activities are always started by a workflow). */
export function callingWorkflow(): { workflowId: string; runId: string } {
  const execution = Context.current().info.workflowExecution;
  if (!execution) throw new Error('This activity must be called from a workflow');
  return execution;
}

/**
 * A safe point of a long, CPU-bound activity (between k values, months, phases of a fit): heartbeats
 * `details`, lets the worker deliver a pending cancellation (the fits block the event loop otherwise), and
 * throws Temporal's `CancelledFailure` if the run was cancelled, so nothing after it (a model save, a
 * champion change) happens.
 */
export async function checkpoint(details?: unknown): Promise<void> {
  const context = Context.current();
  context.heartbeat(details);
  await yieldToEventLoop();
  const signal = context.cancellationSignal;
  if (signal.aborted) {
    throw signal.reason instanceof CancelledFailure ? signal.reason : new CancelledFailure('Activity cancelled');
  }
}
