import { ApplicationFailure } from '@temporalio/common';
import { DataValidationError } from './errors.js';

/** Failure type that every activity retry policy lists as non-retryable. */
export const DATA_VALIDATION_FAILURE = 'DataValidationError';

/** Bad input will be bad on every attempt: turn it into a non-retryable failure that keeps its details. */
export function toTemporalFailure(err: unknown): unknown {
  if (err instanceof DataValidationError) {
    return ApplicationFailure.create({
      message: err.message,
      type: DATA_VALIDATION_FAILURE,
      nonRetryable: true,
      details: [err.details],
    });
  }
  return err;
}

/** Runs an activity body, converting input errors into non-retryable failures. */
export async function failFastOnBadInput<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    throw toTemporalFailure(err);
  }
}
