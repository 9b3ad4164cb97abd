/** Schemas of the API's own bodies (each pipeline's request schema lives in its contract). */
import Type, { type Static } from 'typebox';

export const RunAccepted = Type.Object({
  runId: Type.String(),
  pipeline: Type.String(),
  statusUrl: Type.String(),
  temporalUiUrl: Type.Optional(Type.String()),
});

export const RunStatus = Type.Object({
  runId: Type.String(),
  pipeline: Type.String(),
  status: Type.Enum(['running', 'completed', 'failed']),
  temporalStatus: Type.String(),
  startedAt: Type.String(),
  closedAt: Type.Union([Type.String(), Type.Null()]),
  progress: Type.Unknown(),
  result: Type.Unknown(),
  error: Type.Unknown(),
  temporalUiUrl: Type.Optional(Type.String()),
});
export type RunStatusBody = Static<typeof RunStatus>;

export const RunParams = Type.Object({ runId: Type.String() });

export const PredictRequest = Type.Object(
  {
    rows: Type.Array(Type.Object({}, { additionalProperties: true }), {
      minItems: 1,
      maxItems: 10000,
      description: 'Raw rows keyed by column name, as in the training CSV',
    }),
  },
  { additionalProperties: false },
);
export type PredictBody = Static<typeof PredictRequest>;
