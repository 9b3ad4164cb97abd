import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { DataValidationError } from '../failures.js';

/**
 * Checks a request against its pipeline's schema where the API's own validation did not run (a workflow
 * started directly, by a schedule or as a child): the first problem becomes a DataValidationError naming
 * the field, so the run fails fast with the same rule the API applies.
 */
export function checkRequest(schema: TSchema, value: unknown, what: string): void {
  const errors = Value.Errors(schema, value).filter((error) => error.keyword !== 'boolean');
  const [first] = errors;
  if (!first) return;
  const field = first.instancePath ? first.instancePath.slice(1).replace(/\//g, '.') : what;
  const extra =
    first.keyword === 'additionalProperties'
      ? `: ${JSON.stringify((first.params as { additionalProperties?: unknown }).additionalProperties)}`
      : '';
  throw new DataValidationError(`${field} ${first.message}${extra}`, first.instancePath ? { column: field } : {});
}
