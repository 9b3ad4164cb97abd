/**
 * The one error body every route declares and the error handler in app.ts sends, the helper that adds error
 * statuses to a route's schema, and the schedule routes' bodies (the run and model bodies are in schemas.ts).
 */
import Type from 'typebox';

/** An error body; `description` is what the OpenAPI document says the status means. */
export const errorResponse = (description: string) =>
  Type.Object(
    {
      error: Type.String({ description: 'The HTTP reason phrase, e.g. "Unauthorized"' }),
      message: Type.String({ description: 'What went wrong and what to do about it' }),
      details: Type.Optional(Type.Unknown()),
    },
    { description },
  );

/** What each standard error status means when a route does not say more. */
const STANDARD_ERRORS = {
  400: 'Bad input: a parameter, query or body fails validation; nothing started',
  404: 'Not found',
  409: 'Conflict with the current state',
  413: 'The body is larger than the server accepts (1 MiB)',
  415: 'The body is not JSON (send content-type: application/json)',
} as const;
export type ErrorStatus = keyof typeof STANDARD_ERRORS;

/**
 * The error responses of a route's schema, each with the shared error body: `errorResponses(404, 409)`, or
 * `errorResponses({ 404: 'No run with this id' })` to say what the status means on that route. (400 is added
 * to every route that takes input, and 413 and 415 to every route with a body, by the hook in app.ts; 401 by
 * the auth hook.)
 */
export function errorResponses(
  ...statuses: (ErrorStatus | Partial<Record<ErrorStatus, string>>)[]
): Partial<Record<ErrorStatus, ReturnType<typeof errorResponse>>> {
  const responses: Partial<Record<ErrorStatus, ReturnType<typeof errorResponse>>> = {};
  for (const entry of statuses) {
    const described = typeof entry === 'number' ? { [entry]: STANDARD_ERRORS[entry] } : entry;
    for (const [status, description] of Object.entries(described)) {
      responses[Number(status) as ErrorStatus] = errorResponse(description);
    }
  }
  return responses;
}

export const UnauthorizedResponse = errorResponse('Missing, malformed or unknown API key');
export const UnknownScheduleResponse = errorResponse('Unknown schedule id, or the schedule has not been created');
export const BadRequestResponse = errorResponse('The body does not match the schema');

export const ScheduleParams = Type.Object({ scheduleId: Type.String({ minLength: 1 }) });

export const ScheduleNoteRequest = Type.Object(
  {
    note: Type.Optional(
      Type.String({ maxLength: 1000, description: 'Why: recorded on the schedule and shown by GET /schedules' }),
    ),
  },
  { additionalProperties: false },
);

export const ScheduleState = Type.Object(
  {
    scheduleId: Type.String(),
    paused: Type.Boolean(),
    note: Type.Union([Type.String(), Type.Null()]),
  },
  { description: "The schedule's state after the change" },
);

export const ScheduleTriggered = Type.Object(
  {
    scheduleId: Type.String(),
    triggeredAt: Type.String({ description: 'When the run was asked for' }),
  },
  { description: 'A run was started; it shows in recentRuns of GET /schedules' },
);
