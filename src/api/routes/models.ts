import type { FastifyPluginAsync } from 'fastify';
import { scoreRows } from '../../pipelines/model-scoring.js';
import { MODEL_PIPELINES, listModels, loadModel, type ModelPipeline } from '../../storage/model-store.js';
import { PredictRequest, type PredictBody } from '../schemas.js';

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
      },
    },
    async (request) => ({ models: await listModels(config.modelStoreDir, request.query.pipeline) }),
  );

  app.get<{ Params: { modelId: string } }>(
    '/models/:modelId',
    { schema: { summary: 'One stored model: metadata, metrics, lineage and parameters', tags: ['models'] } },
    async (request) => loadModel(config.modelStoreDir, request.params.modelId),
  );

  app.post<{ Params: { modelId: string }; Body: PredictBody }>(
    '/models/:modelId/predict',
    {
      schema: {
        summary: 'Score rows with a stored model (segmentation: cluster and, for GMM, membership probabilities)',
        tags: ['models'],
        body: PredictRequest,
      },
    },
    async (request) => {
      const artifact = await loadModel(config.modelStoreDir, request.params.modelId);
      return scoreRows(artifact, request.body.rows as Record<string, unknown>[]);
    },
  );
};

export default modelRoutes;
