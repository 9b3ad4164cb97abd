import type { FastifyPluginAsync } from 'fastify';
import { ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { LOAN_SCHEDULES } from '../../pipelines/loan/schedules.js';
import { NotFoundError } from '../errors.js';
import { DataValidationError } from '../../failures.js';

const scheduleRoutes: FastifyPluginAsync = async (app) => {
  const { client } = app.deps;

  app.get(
    '/schedules',
    { schema: { summary: 'The daily loan schedules: spec, next run times, paused', tags: ['schedules'] } },
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
        body: {
          type: 'object',
          required: ['start', 'end'],
          additionalProperties: false,
          properties: { start: { type: 'string', format: 'date-time' }, end: { type: 'string', format: 'date-time' } },
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
      try {
        await client.schedule.getHandle(scheduleId).backfill({ start, end, overlap: ScheduleOverlapPolicy.ALLOW_ALL });
      } catch (err) {
        if (err instanceof ScheduleNotFoundError)
          throw new NotFoundError(`Schedule "${scheduleId}" has not been created`);
        throw err;
      }
      return reply.status(202).send({ scheduleId, start: start.toISOString(), end: end.toISOString() });
    },
  );
};

export default scheduleRoutes;
