import { WorkflowFailedError, WorkflowNotFoundError, type WorkflowExecutionDescription } from '@temporalio/client';
import type { FastifyPluginAsync } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { PipelineDefinition } from '../../pipelines/pipeline.js';
import { PIPELINES, pipelineOfWorkflowType } from '../../pipelines/registry.js';
import { NotFoundError } from '../errors.js';
import { RunAccepted, RunParams, RunStatus, type RunStatusBody } from '../schemas.js';

type RunState = RunStatusBody['status'];

function runState(description: WorkflowExecutionDescription): RunState {
  switch (description.status.name) {
    case 'RUNNING':
    case 'CONTINUED_AS_NEW':
      return 'running';
    case 'COMPLETED':
      return 'completed';
    default:
      return 'failed';
  }
}

/** The innermost message of a failure chain: that is the one that names the bad column or file. */
function failureMessage(err: unknown): { message: string; type?: string; details?: unknown } {
  let current: unknown = err;
  let deepest: { message: string; type?: string; details?: unknown } = { message: String(err) };
  while (current instanceof Error) {
    const failure = current as Error & { type?: string; details?: unknown[] };
    deepest = {
      message: failure.message,
      ...(failure.type ? { type: failure.type } : {}),
      ...(failure.details?.length ? { details: failure.details[0] } : {}),
    };
    current = (current as { cause?: unknown }).cause;
  }
  return deepest;
}

/** `POST /runs/<pipeline>` for every registered pipeline, and `GET /runs/:runId` for any run. */
const runRoutes: FastifyPluginAsync = async (app) => {
  const { config, client } = app.deps;

  const temporalUiLink = (workflowId: string): string | undefined =>
    config.temporalUiUrl
      ? `${config.temporalUiUrl}/namespaces/${encodeURIComponent(config.namespace)}/workflows/${encodeURIComponent(workflowId)}`
      : undefined;

  for (const pipeline of PIPELINES as PipelineDefinition[]) {
    app.post<{ Body: object | undefined }>(
      `/runs/${pipeline.name}`,
      {
        schema: {
          summary: pipeline.summary,
          tags: ['runs'],
          body: pipeline.request,
          response: { 202: RunAccepted },
        },
      },
      async (request, reply) => {
        const args = await pipeline.precheck(config, request.body ?? {});
        const runId = `${pipeline.name}-${randomUUID()}`;
        await client.workflow.start(pipeline.workflow, {
          workflowId: runId,
          taskQueue: config.taskQueue,
          args: [args],
        });
        return reply
          .status(202)
          .send({ runId, pipeline: pipeline.name, statusUrl: `/runs/${runId}`, temporalUiUrl: temporalUiLink(runId) });
      },
    );
  }

  app.get<{ Params: { runId: string } }>(
    '/runs/:runId',
    {
      schema: {
        summary: 'Status, progress and result of a run',
        tags: ['runs'],
        params: RunParams,
        response: { 200: RunStatus },
      },
    },
    async (request): Promise<RunStatusBody> => {
      const { runId } = request.params;
      const handle = client.workflow.getHandle(runId);
      let description: WorkflowExecutionDescription;
      try {
        description = await handle.describe();
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw new NotFoundError(`Run "${runId}" does not exist`);
        throw err;
      }
      const status = runState(description);
      let progress: unknown = null;
      let result: unknown = null;
      let error: unknown = null;
      if (status === 'running') {
        progress = await handle.query('progress').catch(() => null);
      } else if (status === 'completed') {
        result = await handle.result();
        progress = { stage: 'completed' };
      } else {
        try {
          await handle.result();
        } catch (err) {
          error = failureMessage(err instanceof WorkflowFailedError ? (err.cause ?? err) : err);
        }
        progress = { stage: 'failed' };
      }
      return {
        runId,
        pipeline: pipelineOfWorkflowType(description.type)?.name ?? description.type,
        status,
        temporalStatus: description.status.name,
        startedAt: description.startTime.toISOString(),
        closedAt: description.closeTime?.toISOString() ?? null,
        progress,
        result,
        error,
        temporalUiUrl: temporalUiLink(runId),
      };
    },
  );
};

export default runRoutes;
