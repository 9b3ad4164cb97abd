import { WorkflowFailedError } from '@temporalio/client';
import type { FastifyPluginAsync } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { PipelineDefinition } from '../../pipelines/pipeline.js';
import { PIPELINES, pipelineOfWorkflowType } from '../../pipelines/registry.js';
import { listRuns, runStateOf } from '../../temporal/run-index.js';
import { runStartMetadata } from '../../temporal/search-attributes.js';
import { describeRun, waitForRunToClose } from '../run-lookup.js';
import { errorResponses } from '../response-schemas.js';
import {
  BadRunRequest,
  RunAccepted,
  RunAlreadyClosed,
  RunCancelAccepted,
  RunIndexPage,
  RunIndexQuery,
  RunParams,
  RunStatus,
  RunStatusQuery,
  UnknownRun,
  type RunIndexItemBody,
  type RunIndexQueryBody,
  type RunStatusBody,
  type RunStatusQueryBody,
} from '../schemas.js';

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

/**
 * `POST /runs/<pipeline>` for every registered pipeline, `GET /runs` (the run index), `GET /runs/:runId`
 * and `POST /runs/:runId/cancel` for any run.
 */
const runRoutes: FastifyPluginAsync = async (app) => {
  const { config, client } = app.deps;
  const pipelines = PIPELINES as PipelineDefinition[];

  const temporalUiLink = (workflowId: string): string | undefined =>
    config.temporalUiUrl
      ? `${config.temporalUiUrl}/namespaces/${encodeURIComponent(config.namespace)}/workflows/${encodeURIComponent(workflowId)}`
      : undefined;

  for (const pipeline of pipelines) {
    app.post<{ Body: object | undefined }>(
      `/runs/${pipeline.name}`,
      {
        schema: {
          summary: pipeline.summary,
          tags: ['runs'],
          body: pipeline.request,
          response: {
            202: RunAccepted,
            400: BadRunRequest,
            // A request that names a model (modelId) is a 404 when there is no such model.
            ...('modelId' in ((pipeline.request as { properties?: object }).properties ?? {})
              ? errorResponses({ 404: 'No stored model with this modelId' })
              : {}),
          },
        },
      },
      async (request, reply) => {
        const args = await pipeline.precheck(config, request.body ?? {});
        const runId = `${pipeline.name}-${randomUUID()}`;
        await client.workflow.start(pipeline.workflow, {
          workflowId: runId,
          taskQueue: config.taskQueue,
          args: [args],
          // Summary and parameters for the Temporal UI, a small memo, and the run index's search attributes.
          ...runStartMetadata(pipeline.name, pipeline.describe(args)),
        });
        return reply
          .status(202)
          .send({ runId, pipeline: pipeline.name, statusUrl: `/runs/${runId}`, temporalUiUrl: temporalUiLink(runId) });
      },
    );
  }

  app.get<{ Querystring: RunIndexQueryBody }>(
    '/runs',
    {
      schema: {
        summary: 'The run index: runs newest first, filtered by pipeline, status, dataset, model, decision, start',
        tags: ['runs'],
        querystring: RunIndexQuery,
        response: { 200: RunIndexPage, 400: BadRunRequest },
      },
    },
    async (request, reply) => {
      const filters = request.query;
      if (filters.pipeline && !pipelines.some((p) => p.name === filters.pipeline)) {
        return reply.status(400).send({
          error: 'Bad Request',
          message: `pipeline must be one of ${pipelines.map((p) => p.name).join(', ')}`,
        });
      }
      const page = await listRuns(
        client,
        filters,
        pipelines.map((p) => p.workflow.name),
      );
      const runs: RunIndexItemBody[] = page.runs.map((run) => ({
        runId: run.runId,
        pipeline: run.searchAttributes.MlPipeline ?? pipelineOfWorkflowType(run.workflowType)?.name ?? run.workflowType,
        status: run.status,
        startTime: run.startTime,
        closeTime: run.closeTime,
        summary: run.summary,
        temporalUiUrl: temporalUiLink(run.runId),
        dataset: run.searchAttributes.MlDataset ?? null,
        modelId: run.searchAttributes.MlModelId ?? null,
        decision: run.searchAttributes.MlDecision ?? null,
        testAuc: run.searchAttributes.MlTestAuc ?? null,
        searchAttributes: run.searchAttributes,
      }));
      return { runs, nextPageToken: page.nextPageToken };
    },
  );

  app.get<{ Params: { runId: string }; Querystring: RunStatusQueryBody }>(
    '/runs/:runId',
    {
      schema: {
        summary: 'Status, progress and result of a run (waitSeconds: answer as soon as it closes, a long poll)',
        tags: ['runs'],
        params: RunParams,
        querystring: RunStatusQuery,
        response: { 200: RunStatus, 404: UnknownRun },
      },
    },
    async (request, reply): Promise<RunStatusBody> => {
      const { runId } = request.params;
      const waitSeconds = request.query.waitSeconds ?? 0;
      const handle = client.workflow.getHandle(runId);
      let description = await describeRun(client, runId);
      if (waitSeconds > 0 && runStateOf(description.status.name) === 'running') {
        // A client that hangs up stops the wait: nothing stays open on the server for it.
        const clientGone = new AbortController();
        reply.raw.once('close', () => clientGone.abort());
        await waitForRunToClose(client, runId, waitSeconds * 1000, clientGone.signal);
        description = await describeRun(client, runId);
      }
      const status = runStateOf(description.status.name);
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
        progress = { stage: status };
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
        artifactsUrl: `/runs/${encodeURIComponent(runId)}/artifacts`,
      };
    },
  );

  app.post<{ Params: { runId: string } }>(
    '/runs/:runId/cancel',
    {
      schema: {
        summary: 'Cancel a running run: its activities stop at their next checkpoint and nothing is published',
        tags: ['runs'],
        params: RunParams,
        response: { 202: RunCancelAccepted, 404: UnknownRun, 409: RunAlreadyClosed },
      },
    },
    async (request, reply) => {
      const { runId } = request.params;
      const description = await describeRun(client, runId);
      const status = runStateOf(description.status.name);
      if (status !== 'running') {
        return reply.status(409).send({ error: 'Conflict', message: `Run "${runId}" has already closed (${status})` });
      }
      await client.workflow.getHandle(runId).cancel();
      return reply.status(202).send({ runId, status: 'cancelling', statusUrl: `/runs/${runId}` });
    },
  );
};

export default runRoutes;
