import type { FastifyPluginAsync } from 'fastify';
import { ScheduleNotFoundError, ScheduleOverlapPolicy, type ScheduleHandle } from '@temporalio/client';
import { LOAN_SCHEDULES } from '../../pipelines/loan/schedules.js';
import { NotFoundError } from '../errors.js';
import { DataValidationError } from '../../failures.js';
import Type from 'typebox';
import {
  BadRequestResponse,
  errorResponses,
  ScheduleNoteRequest,
  ScheduleParams,
  ScheduleState,
  ScheduleTriggered,
  UnknownScheduleResponse,
} from '../response-schemas.js';

const ScheduleList = Type.Object({
  schedules: Type.Array(
    Type.Object(
      {},
      { additionalProperties: true, description: 'id, spec, overlap, paused, note, nextRunTimes, recentRuns' },
    ),
    { description: 'The schedules that have been created' },
  ),
});
const BackfillAccepted = Type.Object(
  { scheduleId: Type.String(), start: Type.String(), end: Type.String() },
  { description: 'The backfill was asked for: one run per scheduled time in the window' },
);

type ScheduleRoute = { Params: { scheduleId: string }; Body: { note?: string } | undefined };

const scheduleRoutes: FastifyPluginAsync = async (app) => {
  const { client } = app.deps;

  /** Runs `action` on a schedule this API manages; an unknown or not yet created schedule is a 404. */
  async function withSchedule<T>(scheduleId: string, action: (handle: ScheduleHandle) => Promise<T>): Promise<T> {
    if (!LOAN_SCHEDULES.some((s) => s.scheduleId === scheduleId))
      throw new NotFoundError(`Schedule "${scheduleId}" does not exist`);
    try {
      return await action(client.schedule.getHandle(scheduleId));
    } catch (err) {
      if (err instanceof ScheduleNotFoundError)
        throw new NotFoundError(`Schedule "${scheduleId}" has not been created`);
      throw err;
    }
  }

  app.get(
    '/schedules',
    {
      schema: {
        summary: 'The daily loan schedules: spec, next run times, paused',
        tags: ['schedules'],
        response: { 200: ScheduleList },
      },
    },
    async () => {
      const schedules = [];
      for (const { scheduleId } of LOAN_SCHEDULES) {
        try {
          const description = await client.schedule.getHandle(scheduleId).describe();
          const action = description.action;
          schedules.push({
            id: scheduleId,
            workflowType: action.type === 'startWorkflow' ? action.workflowType : null,
            spec: {
              calendars:
                description.spec.calendars?.map((c) => ({ hour: c.hour, minute: c.minute, dayOfWeek: c.dayOfWeek })) ??
                [],
              timezone: description.spec.timezone ?? 'UTC',
            },
            overlap: description.policies.overlap,
            catchupWindowMs: description.policies.catchupWindow,
            paused: description.state.paused,
            note: description.state.note || null,
            nextRunTimes: description.info.nextActionTimes.slice(0, 5).map((t) => t.toISOString()),
            recentRuns: description.info.recentActions.slice(-5).map((a) => ({
              scheduledAt: a.scheduledAt.toISOString(),
              workflowId: a.action.workflow.workflowId,
            })),
          });
        } catch (err) {
          if (!(err instanceof ScheduleNotFoundError)) throw err;
        }
      }
      return { schedules };
    },
  );

  app.post<{ Params: { scheduleId: string }; Body: { start: string; end: string } }>(
    '/schedules/:scheduleId/backfill',
    {
      schema: {
        summary: 'Run a schedule over a past period, as if that time had passed (one run per scheduled time)',
        tags: ['schedules'],
        params: ScheduleParams,
        body: {
          type: 'object',
          required: ['start', 'end'],
          additionalProperties: false,
          properties: { start: { type: 'string', format: 'date-time' }, end: { type: 'string', format: 'date-time' } },
        },
        response: {
          202: BackfillAccepted,
          ...errorResponses({ 400: 'A malformed body, or start not before end' }),
          404: UnknownScheduleResponse,
        },
      },
    },
    async (request, reply) => {
      const { scheduleId } = request.params;
      if (!LOAN_SCHEDULES.some((s) => s.scheduleId === scheduleId))
        throw new NotFoundError(`Schedule "${scheduleId}" does not exist`);
      const start = new Date(request.body.start);
      const end = new Date(request.body.end);
      if (!(start < end)) throw new DataValidationError('backfill start must be before end', {});
      await withSchedule(scheduleId, (handle) =>
        handle.backfill({ start, end, overlap: ScheduleOverlapPolicy.ALLOW_ALL }),
      );
      return reply.status(202).send({ scheduleId, start: start.toISOString(), end: end.toISOString() });
    },
  );

  // Pause and unpause answer 200 with the schedule's new state: the change is done when the call returns.
  for (const change of ['pause', 'unpause'] as const) {
    app.post<ScheduleRoute>(
      `/schedules/:scheduleId/${change}`,
      {
        schema: {
          summary:
            change === 'pause'
              ? 'Stop a schedule from starting runs until unpaused; the note says why'
              : 'Let a paused schedule start runs again; the note says why',
          tags: ['schedules'],
          params: ScheduleParams,
          body: ScheduleNoteRequest,
          response: { 200: ScheduleState, 400: BadRequestResponse, 404: UnknownScheduleResponse },
        },
        // The body is optional (`curl -X POST` with none is fine): validate a missing one as `{}`.
        preValidation: async (request) => {
          request.body ??= {};
        },
      },
      async (request) => {
        const { scheduleId } = request.params;
        // Without a note, the schedule still records who changed it (the key's fingerprint, never the key).
        const note = request.body?.note ?? `${change}d over the API (key ${request.apiKeyId ?? 'unknown'})`;
        return withSchedule(scheduleId, async (handle) => {
          await (change === 'pause' ? handle.pause(note) : handle.unpause(note));
          const { state } = await handle.describe();
          return { scheduleId, paused: state.paused, note: state.note || null };
        });
      },
    );
  }

  app.post<{ Params: { scheduleId: string } }>(
    '/schedules/:scheduleId/trigger',
    {
      schema: {
        summary:
          'Start one run of the schedule now (even if paused or a run is in progress); it shows in recentRuns of GET /schedules',
        tags: ['schedules'],
        params: ScheduleParams,
        response: { 202: ScheduleTriggered, 404: UnknownScheduleResponse },
      },
    },
    async (request, reply) => {
      const { scheduleId } = request.params;
      const triggeredAt = new Date().toISOString();
      // ALLOW_ALL as for backfills: an operator who asks for a run gets one, whatever the schedule's overlap policy.
      await withSchedule(scheduleId, (handle) => handle.trigger(ScheduleOverlapPolicy.ALLOW_ALL));
      return reply.status(202).send({ scheduleId, triggeredAt });
    },
  );
};

export default scheduleRoutes;
