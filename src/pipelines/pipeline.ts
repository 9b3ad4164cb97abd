/** What a pipeline is to the rest of the product: the one shape every registry entry has. */
import type { Static, TObject, TSchema } from 'typebox';
import type { AppConfig } from '../config.js';
import type { RunDescription } from '../temporal/search-attributes.js';

export interface PipelineDefinition<Request extends object = object, Activities extends object = object> {
  /** The API's name for it: `POST /runs/<name>`, run ids `<name>-<uuid>`. */
  name: string;
  /** One line for the API docs. */
  summary: string;
  /** The request, written once: validation, OpenAPI, types and defaults all come from it. */
  request: TSchema;
  /** Started by reference, so its argument is type-checked against the request. */
  workflow: (request: Request) => Promise<unknown>;
  /**
   * What can be known wrong before anything starts (files, columns, a model to score with), as a
   * DataValidationError: the API answers 400 and starts nothing. Returns the workflow's argument.
   */
  precheck(config: AppConfig, request: Request): Promise<Request>;
  /** How a run reads in the Temporal UI and the run index (summary, parameters, dataset, model), from its request. */
  describe(request: Request): RunDescription;
  /** The pipeline's activities, bound to the configured folders. */
  activities(config: AppConfig): Activities;
}

/** Keeps each entry's request and activity types (the request's from its schema) while the registry lists them. */
export function definePipeline<Schema extends TObject, Activities extends object>(
  definition: Omit<PipelineDefinition<Static<Schema>, Activities>, 'request'> & { request: Schema },
): PipelineDefinition<Static<Schema>, Activities> {
  return definition;
}
