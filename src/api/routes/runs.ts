import { WorkflowFailedError, WorkflowNotFoundError, type WorkflowExecutionDescription } from '@temporalio/client';
import type { FastifyPluginAsync } from 'fastify';
import { randomUUID } from 'node:crypto';
import { validateSegmentationInput } from '../../lib/segmentation/validate.js';
import type { SegmentationInput } from '../../lib/segmentation/types.js';
import { NotFoundError } from '../app.js';
import { resolveLoanLayers } from '../../lib/loan/layers.js';
import { loadLoanModel } from '../../lib/loan/scoring.js';
import type { LoanInferenceInput, LoanMonitoringInput, LoanTrainingInput } from '../../lib/loan/types.js';
import { DataValidationError } from '../../lib/errors.js';
import {
  loanInferenceBodySchema,
  loanMonitoringBodySchema,
  loanTrainingBodySchema,
  segmentationBodySchema,
  runAcceptedSchema,
  runStatusSchema,
} from '../schemas.js';

/** Workflow type → the pipeline name the API speaks. */
const PIPELINE_BY_WORKFLOW_TYPE: Record<string, string> = {
  segmentationWorkflow: 'segmentation',
  loanTrainingWorkflow: 'loan-training',
  loanInferenceWorkflow: 'loan-inference',
  loanMonitoringWorkflow: 'loan-monitoring',
};

type RunStatus = 'running' | 'completed' | 'failed';

function runStatus(description: WorkflowExecutionDescription): RunStatus {
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

const runRoutes: FastifyPluginAsync = async (app) => {
  const { config, client } = app.deps;

  const temporalUiLink = (workflowId: string): string | undefined =>
    config.temporalUiUrl
      ? `${config.temporalUiUrl}/namespaces/${encodeURIComponent(config.namespace)}/workflows/${encodeURIComponent(workflowId)}`
      : undefined;

  app.post<{ Body: SegmentationInput }>(
    '/runs/segmentation',
    {
      schema: {
        summary: 'Start a customer-segmentation run (K-Means or GMM over a k range, elbow-selected)',
        tags: ['runs'],
        body: segmentationBodySchema,
        response: { 202: runAcceptedSchema },
      },
    },
    async (request, reply) => {
      // Validate against the files first: bad input is a 400 and starts nothing.
      const { input } = await validateSegmentationInput(config.dataDir, request.body);
      const runId = `segmentation-${randomUUID()}`;
      await client.workflow.start('segmentationWorkflow', {
        workflowId: runId,
        taskQueue: config.taskQueue,
        args: [input],
      });
      return reply
        .status(202)
        .send({ runId, pipeline: 'segmentation', statusUrl: `/runs/${runId}`, temporalUiUrl: temporalUiLink(runId) });
    },
  );

  /** Checks what can be checked up front (the dataset folder and its files, a model to score with). */
  async function checkLoanRequest(body: { dataset?: string; modelId?: string }, needsModel: boolean): Promise<void> {
    const dataset = body.dataset ?? 'loan';
    await resolveLoanLayers(config.dataDir, dataset);
    if (needsModel) await loadLoanModel(config.modelStoreDir, dataset, body.modelId);
  }

  const loanRoutes = [
    {
      path: 'loan-training',
      workflowType: 'loanTrainingWorkflow',
      schema: loanTrainingBodySchema,
      needsModel: false,
      summary: 'Start a loan-default training run (medallion layers, quality gate, three models, champion)',
    },
    {
      path: 'loan-inference',
      workflowType: 'loanInferenceWorkflow',
      schema: loanInferenceBodySchema,
      needsModel: true,
      summary: 'Score one snapshot month with the champion (or a given model)',
    },
    {
      path: 'loan-monitoring',
      workflowType: 'loanMonitoringWorkflow',
      schema: loanMonitoringBodySchema,
      needsModel: true,
      summary: 'Monitor the model: monthly metrics, PSI drift, dashboard, governance gate (retrains when degraded)',
    },
  ] as const;

  for (const route of loanRoutes) {
    app.post<{ Body: LoanTrainingInput & LoanInferenceInput & LoanMonitoringInput }>(
      `/runs/${route.path}`,
      { schema: { summary: route.summary, tags: ['runs'], body: route.schema, response: { 202: runAcceptedSchema } } },
      async (request, reply) => {
        const body = request.body ?? {};
        if (body.split?.kind === 'out-of-time' && !body.split.cutoffMonth) {
          throw new DataValidationError('An out-of-time split needs cutoffMonth (YYYY-MM)', {});
        }
        await checkLoanRequest(body, route.needsModel);
        const runId = `${route.path}-${randomUUID()}`;
        await client.workflow.start(route.workflowType, {
          workflowId: runId,
          taskQueue: config.taskQueue,
          args: [body],
        });
        return reply
          .status(202)
          .send({ runId, pipeline: route.path, statusUrl: `/runs/${runId}`, temporalUiUrl: temporalUiLink(runId) });
      },
    );
  }

  app.get<{ Params: { runId: string } }>(
    '/runs/:runId',
    {
      schema: {
        summary: 'Status, progress and result of a run',
        tags: ['runs'],
        params: { type: 'object', properties: { runId: { type: 'string' } }, required: ['runId'] },
        response: { 200: runStatusSchema },
      },
    },
    async (request) => {
      const { runId } = request.params;
      const handle = client.workflow.getHandle(runId);
      let description: WorkflowExecutionDescription;
      try {
        description = await handle.describe();
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw new NotFoundError(`Run "${runId}" does not exist`);
        throw err;
      }
      const status = runStatus(description);
      const pipeline = PIPELINE_BY_WORKFLOW_TYPE[description.type] ?? description.type;
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
        pipeline,
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
