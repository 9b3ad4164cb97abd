/**
 * The champion of each pipeline and dataset, kept by its registry workflow (src/pipelines/champions): read it
 * and its history, promote a stored model, roll back, and score rows with whichever model is the champion.
 */
import type { FastifyPluginAsync } from 'fastify';
import { randomUUID } from 'node:crypto';
import Type from 'typebox';
import {
  ChampionConflictError,
  promoteChampion,
  readChampion,
  readChampionHistory,
  rollbackChampion,
} from '../../pipelines/champions/client.js';
import { apiRequestUpdateId } from '../../pipelines/champions/config.js';
import {
  ChampionHistory,
  ChampionState,
  PromoteChampionRequest,
  RollbackChampionRequest,
  type ChampionTarget,
  type PromoteChampionBody,
  type RollbackChampionBody,
} from '../../pipelines/champions/contract.js';
import { scoreRows } from '../../pipelines/model-scoring.js';
import { modelCacheFor } from '../../storage/model-cache.js';
import { checkChampionCandidate, MODEL_PIPELINES } from '../../storage/model-store.js';
import { NotFoundError } from '../errors.js';
import { parsePredictBodies } from '../predict-body.js';
import { errorResponse, errorResponses } from '../response-schemas.js';
import { PredictRequest, type PredictBody } from '../schemas.js';

const ChampionParams = Type.Object({
  pipeline: Type.Enum([...MODEL_PIPELINES], { description: 'The model family' }),
  dataset: Type.String({
    minLength: 1,
    maxLength: 100,
    pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
    description: 'The dataset the champion serves (a loan folder or a segmentation CSV name)',
  }),
});
/** Fastify refuses a path parameter over 100 characters (its maxParamLength) before any handler runs. */
const TooLong = { 414: errorResponse('A path parameter is longer than 100 characters') };
const NoChampion = errorResponses({ 404: 'No champion has been recorded for this pipeline and dataset' });
const BadPromotion = errorResponses({
  400: 'Bad input: the body fails validation, or the model is not a stored model of this pipeline trained on this dataset',
});
const NothingToRollBackTo = errorResponses({ 409: 'There is no previous champion to roll back to' });
const scored = Type.Object({}, { additionalProperties: true, description: 'As POST /models/:modelId/predict' });

const championRoutes: FastifyPluginAsync = async (app) => {
  const { config, client } = app.deps;
  const notFound = ({ pipeline, dataset }: ChampionTarget) =>
    new NotFoundError(`No ${pipeline} champion has been recorded for "${dataset}"`);

  /** Who asked (the API key's fingerprint, never the key) and which request: both go into the history. */
  const requestChange = (actor: string | null) => {
    const requestId = randomUUID();
    return {
      actor: actor ?? 'unknown',
      source: { kind: 'api' as const, id: requestId },
      options: { taskQueue: config.taskQueue, updateId: apiRequestUpdateId(requestId) },
    };
  };

  app.get<{ Params: ChampionTarget }>(
    '/champions/:pipeline/:dataset',
    {
      schema: {
        summary: 'The current champion of a pipeline and dataset',
        tags: ['champions'],
        params: ChampionParams,
        response: { 200: ChampionState, ...NoChampion, ...TooLong },
      },
    },
    async (request) => {
      const champion = await readChampion(client, request.params);
      if (!champion) throw notFound(request.params);
      return champion;
    },
  );

  app.put<{ Params: ChampionTarget; Body: PromoteChampionBody }>(
    '/champions/:pipeline/:dataset',
    {
      schema: {
        summary: 'Promote a stored model of this pipeline and dataset to champion (recorded with the reason and key)',
        tags: ['champions'],
        params: ChampionParams,
        body: PromoteChampionRequest,
        response: { 200: ChampionState, ...BadPromotion, ...TooLong },
      },
    },
    async (request) => {
      const target = request.params;
      const { modelId, reason } = request.body;
      // Checked here first, so a bad request starts no registry; the registry checks again as it changes.
      await checkChampionCandidate(config.modelStoreDir, target.pipeline, target.dataset, modelId);
      const { actor, source, options } = requestChange(request.apiKeyId);
      return promoteChampion(client, target, { modelId, reason, actor, source }, options);
    },
  );

  app.post<{ Params: ChampionTarget; Body: RollbackChampionBody }>(
    '/champions/:pipeline/:dataset/rollback',
    {
      schema: {
        summary: 'Roll back to the previous champion (recorded with the reason and key)',
        tags: ['champions'],
        params: ChampionParams,
        body: RollbackChampionRequest,
        response: { 200: ChampionState, ...NothingToRollBackTo, ...TooLong },
      },
    },
    async (request) => {
      const target = request.params;
      // Nothing recorded, or nothing before the current one: a 409 that starts no registry.
      const current = await readChampion(client, target);
      if (!current?.previousModelId) {
        throw new ChampionConflictError(
          `The ${target.pipeline} champion of "${target.dataset}" has no previous champion to roll back to`,
        );
      }
      const { actor, source, options } = requestChange(request.apiKeyId);
      return rollbackChampion(client, target, { reason: request.body.reason, actor, source }, options);
    },
  );

  app.get<{ Params: ChampionTarget }>(
    '/champions/:pipeline/:dataset/history',
    {
      schema: {
        summary: 'Every champion change, oldest first: from, to, reason, who, when and which request or run',
        tags: ['champions'],
        params: ChampionParams,
        response: { 200: ChampionHistory, ...NoChampion, ...TooLong },
      },
    },
    async (request) => {
      const history = await readChampionHistory(client, request.params);
      if (!history) throw notFound(request.params);
      return history;
    },
  );

  // The body as POST /models/:modelId/predict reads it (../predict-body.ts), in a scope of its own.
  await app.register(async (scope) => {
    parsePredictBodies(scope);
    scope.post<{ Params: ChampionTarget; Body: PredictBody }>(
      '/champions/:pipeline/:dataset/predict',
      {
        schema: {
          summary: 'Score rows with the current champion (the same body and answer as POST /models/:modelId/predict)',
          tags: ['champions'],
          params: ChampionParams,
          body: PredictRequest,
          response: { 200: scored, ...NoChampion, ...TooLong },
        },
      },
      async (request) => {
        const champion = await readChampion(client, request.params);
        if (!champion) throw notFound(request.params);
        const artifact = await modelCacheFor(config.modelStoreDir).load(champion.modelId);
        return scoreRows(artifact, request.body);
      },
    );
  });
};

export default championRoutes;
