import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
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
