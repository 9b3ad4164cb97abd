import type { FastifyPluginAsync } from 'fastify';
import { scoreRows } from '../../pipelines/model-scoring.js';
import { modelCacheFor } from '../../storage/model-cache.js';
import { MODEL_PIPELINES, listModels, loadModel, type ModelPipeline } from '../../storage/model-store.js';
import Type from 'typebox';
import { parsePredictBodies } from '../predict-body.js';
import { errorResponses } from '../response-schemas.js';
import { PredictRequest, type PredictBody } from '../schemas.js';

const ModelParams = Type.Object({ modelId: Type.String({ minLength: 1 }) });
const UnknownModel = errorResponses({ 404: 'No stored model with this id' });
/** Bodies whose fields depend on the model's pipeline: documented in the README, passed through whole. */
const open = (description: string) => Type.Object({}, { additionalProperties: true, description });
const ModelList = Type.Object({
  models: Type.Array(open('A model: id, pipeline, createdAt, metrics, lineage'), { description: 'Newest first' }),
});

const modelRoutes: FastifyPluginAsync = async (app) => {
  const { config } = app.deps;

  app.get<{ Querystring: { pipeline?: ModelPipeline } }>(
    '/models',
    {
      schema: {
        summary: 'Stored models (metadata only), newest first',
        tags: ['models'],
        querystring: {
          type: 'object',
          properties: { pipeline: { type: 'string', enum: [...MODEL_PIPELINES] } },
        },
        response: { 200: ModelList },
      },
    },
    async (request) => ({ models: await listModels(config.modelStoreDir, request.query.pipeline) }),
  );

  app.get<{ Params: { modelId: string } }>(
    '/models/:modelId',
    {
      schema: {
        summary: 'One stored model: metadata, metrics, lineage and parameters',
        tags: ['models'],
        params: ModelParams,
        response: { 200: open('The model artifact: metadata, params, metrics, lineage, weights'), ...UnknownModel },
      },
    },
    async (request) => loadModel(config.modelStoreDir, request.params.modelId),
  );

  // In a scope of its own: its body parser is the predict routes' (../predict-body.ts).
  await app.register(async (scope) => {
    parsePredictBodies(scope);
    scope.post<{ Params: { modelId: string }; Body: PredictBody }>(
      '/models/:modelId/predict',
      {
        schema: {
          summary: 'Score rows with a stored model (segmentation: cluster and, for GMM, membership probabilities)',
          tags: ['models'],
          params: ModelParams,
          body: PredictRequest,
          response: {
            200: open(
              'segmentation: {cluster, probabilities?} per row; loan: {prediction, probability, missingFeatures}',
            ),
            ...UnknownModel,
          },
        },
      },
      async (request) => {
        // Cached: a prediction must not re-read and parse the artifact (see storage/model-cache.ts).
        const artifact = await modelCacheFor(config.modelStoreDir).load(request.params.modelId);
        return scoreRows(artifact, request.body);
      },
    );
  });
};

export default modelRoutes;
