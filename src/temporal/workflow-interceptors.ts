/**
 * Workflow interceptors (bundled into the workflow sandbox): a run that fails on bad input fails with the
 * activity's own message and type, so the run's error reads "Column X is missing from Y" rather than
 * "Activity task failed".
 */
import {
  ActivityFailure,
  ApplicationFailure,
  type Next,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptors,
} from '@temporalio/workflow';
import { FailureType } from '../failures.js';

export function surfaceBadInput(err: unknown): unknown {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  if (cause instanceof ApplicationFailure && cause.type === FailureType.badInput) {
    return ApplicationFailure.create({
      message: cause.message,
      type: FailureType.badInput,
      nonRetryable: true,
      details: cause.details ? [...cause.details] : undefined,
    });
  }
  return err;
}

class SurfaceBadInput implements WorkflowInboundCallsInterceptor {
  async execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    try {
      return await next(input);
    } catch (err) {
      throw surfaceBadInput(err);
    }
  }
}

export const interceptors = (): WorkflowInterceptors => ({ inbound: [new SurfaceBadInput()] });
