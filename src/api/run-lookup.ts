import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import { setMaxListeners } from 'node:events';
import { NotFoundError } from './errors.js';

/** A run's description, or a 404 naming it: every `/runs/:runId…` route starts here. */
export async function describeRun(client: Client, runId: string): Promise<WorkflowExecutionDescription> {
  try {
    return await client.workflow.getHandle(runId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new NotFoundError(`Run "${runId}" does not exist`);
    throw err;
  }
}

/**
 * Resolves once the run has closed, `ms` have passed or `abandon` fires, whichever comes first. The pending
 * long poll on the server is cancelled then, so a client that gives up holds nothing open.
 */
export async function waitForRunToClose(
  client: Client,
  runId: string,
  ms: number,
  abandon: AbortSignal,
): Promise<void> {
  const signal = AbortSignal.any([AbortSignal.timeout(ms), abandon]);
  // The SDK adds an abort listener to the signal for each request it makes and never removes it, and following a
  // busy run makes one per batch of new history events: eleven in one 30 s wait at 100x, and Node warned of a
  // leak in the API's log. The listeners go with the signal when the wait ends.
  setMaxListeners(1000, signal);
  try {
    await client.withAbortSignal(signal, () => client.workflow.getHandle(runId).result());
  } catch {
    // The run failed or was cancelled, or the wait ended: the caller describes the run again and reports either.
  }
}
