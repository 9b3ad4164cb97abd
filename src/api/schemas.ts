/** Schemas of the API's own bodies (each pipeline's request schema lives in its contract). */
import Type, { type Static } from 'typebox';
import { RUN_STATES } from '../temporal/run-index.js';
import { errorResponse } from './response-schemas.js';

/** Every error body the API sends: the one shape of response-schemas.ts (see the error handler in app.ts). */
export const ErrorBody = errorResponse;
export const BadRunRequest = ErrorBody('Bad input: the request, a filter or a file fails validation; nothing started');
export const UnknownRun = ErrorBody('No run with this id');
export const RunAlreadyClosed = ErrorBody('The run has already closed (completed, failed, cancelled, …)');

export const RunStateSchema = Type.Enum([...RUN_STATES], {
  description: 'running, completed, failed, cancelled, terminated or timed-out',
});

export const RunAccepted = Type.Object({
  runId: Type.String(),
  pipeline: Type.String(),
  statusUrl: Type.String(),
  temporalUiUrl: Type.Optional(Type.String()),
});

export const RunStatus = Type.Object({
  runId: Type.String(),
  pipeline: Type.String(),
  status: RunStateSchema,
  temporalStatus: Type.String(),
  startedAt: Type.String(),
  closedAt: Type.Union([Type.String(), Type.Null()]),
  progress: Type.Unknown(),
  result: Type.Unknown(),
  error: Type.Unknown(),
  temporalUiUrl: Type.Optional(Type.String()),
  /** What the run produced, once it has completed: GET it for names, types, sizes and URLs. */
  artifactsUrl: Type.String(),
});
export type RunStatusBody = Static<typeof RunStatus>;

export const RunParams = Type.Object({ runId: Type.String({ minLength: 1 }) });

export const RunStatusQuery = Type.Object(
  {
    waitSeconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 60,
        default: 0,
        description:
          'A long poll: while the run is running, hold the answer up to this many seconds and send it as soon as the run closes',
      }),
    ),
  },
  { additionalProperties: false },
);
export type RunStatusQueryBody = Static<typeof RunStatusQuery>;

const filterValue = (description: string) => Type.String({ minLength: 1, maxLength: 200, description });

export const RunIndexQuery = Type.Object(
  {
    pipeline: Type.Optional(Type.String({ minLength: 1, description: 'A pipeline name, e.g. loan-training' })),
    status: Type.Optional(RunStateSchema),
    dataset: Type.Optional(filterValue('MlDataset: the CSV or folder the run read')),
    modelId: Type.Optional(filterValue('MlModelId: the model trained, used or monitored')),
    decision: Type.Optional(Type.Enum(['ok', 'degraded'], { description: 'MlDecision of a monitoring run' })),
    since: Type.Optional(Type.String({ minLength: 1, description: 'ISO date or time: runs started at or after it' })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    pageToken: Type.Optional(Type.String({ minLength: 1, description: 'nextPageToken of the previous page' })),
  },
  { additionalProperties: false },
);
export type RunIndexQueryBody = Static<typeof RunIndexQuery>;

export const RunIndexItem = Type.Object({
  runId: Type.String(),
  pipeline: Type.String(),
  status: RunStateSchema,
  startTime: Type.String(),
  closeTime: Type.Union([Type.String(), Type.Null()]),
  summary: Type.Union([Type.String(), Type.Null()]),
  temporalUiUrl: Type.Optional(Type.String()),
  dataset: Type.Union([Type.String(), Type.Null()]),
  modelId: Type.Union([Type.String(), Type.Null()]),
  decision: Type.Union([Type.String(), Type.Null()]),
  testAuc: Type.Union([Type.Number(), Type.Null()]),
  searchAttributes: Type.Object(
    {
      MlPipeline: Type.Optional(Type.String()),
      MlDataset: Type.Optional(Type.String()),
      MlModelId: Type.Optional(Type.String()),
      MlDecision: Type.Optional(Type.String()),
      MlTestAuc: Type.Optional(Type.Number()),
    },
    { description: "The run's search attributes, as the Temporal UI's query box names them" },
  ),
});
export type RunIndexItemBody = Static<typeof RunIndexItem>;

export const RunIndexPage = Type.Object({
  runs: Type.Array(RunIndexItem, { description: 'Newest first (by start time)' }),
  nextPageToken: Type.Union([Type.String(), Type.Null()], { description: 'Pass as pageToken; null on the last page' }),
});

export const RunCancelAccepted = Type.Object(
  {
    runId: Type.String(),
    status: Type.Literal('cancelling'),
    statusUrl: Type.String(),
  },
  { description: 'Cancellation requested: running activities stop at their next checkpoint; the run ends cancelled' },
);

/** Rows per predict request, in either shape. */
export const PREDICT_MAX_ROWS = 10_000;

/**
 * A column's value in one row: what a CSV cell becomes in JSON. One `type` list rather than TypeBox's Union
 * (an `anyOf` of four schemas): the same values pass, and the validator checks a 1,000-row loan batch's 57,000
 * cells in a fifth of the time (OpenAPI 3.1 reads type lists).
 */
const CellValue = Type.Unsafe<number | string | boolean | null>({ type: ['number', 'string', 'boolean', 'null'] });

/**
 * `additionalProperties` rather than TypeBox's Record (a `^.*$` patternProperties): the same contract, and the
 * plain form is the one schema fuzzers and client generators read well.
 */
const PredictColumns = Type.Unsafe<Record<string, (number | string | boolean | null)[]>>(
  Type.Object(
    {},
    {
      additionalProperties: Type.Array(CellValue, {
        minItems: 1,
        maxItems: PREDICT_MAX_ROWS,
        description: 'A value per row',
      }),
      description:
        'The same rows as columns: an array per column name, all of one length (pandas `to_dict("list")`). ' +
        'For large batches: a third of the bytes of rows, and read about twice as fast',
    },
  ),
);

export const PredictRequest = Type.Object(
  {
    rows: Type.Optional(
      Type.Array(Type.Object({}, { additionalProperties: true }), {
        minItems: 1,
        maxItems: PREDICT_MAX_ROWS,
        description: 'Raw rows keyed by column name, as in the training CSV',
      }),
    ),
    columns: Type.Optional(PredictColumns),
  },
  { additionalProperties: false, description: 'Exactly one of `rows` and `columns`' },
);
export type PredictBody = Static<typeof PredictRequest>;
