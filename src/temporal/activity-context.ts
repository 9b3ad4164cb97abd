import { Context } from '@temporalio/activity';

/** The workflow an activity runs for (this project's activities are always started by a workflow). */
export function callingWorkflow(): { workflowId: string; runId: string } {
  const execution = Context.current().info.workflowExecution;
  if (!execution) throw new Error('This activity must be called from a workflow');
  return execution;
}
