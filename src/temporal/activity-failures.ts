import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import { DataValidationError, FailureType } from '../failures.js';

/** Bad input will be bad on every attempt: a non-retryable failure that keeps its details (file, column, row). */
export function toTemporalFailure(err: unknown): unknown {
  if (err instanceof DataValidationError) {
    return ApplicationFailure.create({
      message: err.message,
      type: FailureType.badInput,
      nonRetryable: true,
      details: [err.details],
    });
  }
  return err;
}

/**
 * Every activity the worker runs goes through this interceptor, so no activity has to remember to convert
 * its bad-input errors (see src/failures.ts for the contract).
 */
export class BadInputFailsFast implements ActivityInboundCallsInterceptor {
  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    try {
      return await next(input);
    } catch (err) {
      throw toTemporalFailure(err);
    }
  }
}
