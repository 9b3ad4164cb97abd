/** Where in the input a validation problem was found; every field is optional. */
export interface DataValidationDetails {
  file?: string;
  column?: string;
  /** Line number in the file (1-based, header included) or row number, as the message says. */
  row?: number;
  table?: string;
}

/**
 * Bad input data or parameters: retrying cannot help. Activities map this to a non-retryable
 * Temporal ApplicationFailure (see temporal-failures.ts), keeping `details` for the caller.
 */
export class DataValidationError extends Error {
  constructor(
    message: string,
    readonly details: DataValidationDetails,
  ) {
    super(message);
    this.name = 'DataValidationError';
  }
}
