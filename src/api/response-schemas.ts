/**
 * Response bodies declared by the auth hook and the schedule routes (the run and model bodies are in
 * schemas.ts). Every error the API sends has this shape (see the error handler in app.ts).
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

export const UnauthorizedResponse = errorResponse('Missing, malformed or unknown API key');
export const UnknownScheduleResponse = errorResponse('Unknown schedule id, or the schedule has not been created');
export const BadRequestResponse = errorResponse('The body does not match the schema');

export const ScheduleParams = Type.Object({ scheduleId: Type.String() });

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
