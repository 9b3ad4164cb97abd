/**
 * The failure contract of every pipeline, in one module that workflows, activities and the API import.
 *
 * - Bad input (a missing file or column, a non-numeric value, an impossible parameter) throws
 *   `DataValidationError` anywhere. The worker's activity interceptor turns it into a non-retryable
 *   `ApplicationFailure` of type `DataValidationError` whose details name the file, column and row; the
 *   workflow interceptor lifts it to the run's own failure; the API answers 400 before starting anything
 *   when it can check up front.
 * - Every other error is transient until proven otherwise: retried with backoff (`standardRetry`).
 * - A run that is cancelled or timed out is never half-published: outputs are written to a temporary
 *   name and renamed into place, and ids are deterministic, so a retry rewrites the same file.
 *
 * Pure module (only `@temporalio/common`): safe inside the workflow sandbox.
 */
import type { RetryPolicy } from '@temporalio/common';

/** Failure types as they appear in Temporal (`ApplicationFailure.type`) and in the API's errors. */
export const FailureType = {
  /** Bad input: retrying cannot help. */
  badInput: 'DataValidationError',
} as const;

/** Where in the input a validation problem was found; every field is optional. */
export interface DataValidationDetails {
  file?: string;
  column?: string;
  /** Line number in the file (1-based, header included) or row number, as the message says. */
  row?: number;
  table?: string;
}

/** Bad input data or parameters: fails fast, never retried, a 400 from the API. */
export class DataValidationError extends Error {
  constructor(
    message: string,
    readonly details: DataValidationDetails,
  ) {
    super(message);
    this.name = FailureType.badInput;
  }
}

/** Transient faults (a locked file, a busy disk, a restarted worker) get retried with backoff; bad input never. */
export const standardRetry: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '30 seconds',
  maximumAttempts: 5,
  nonRetryableErrorTypes: [FailureType.badInput],
};
