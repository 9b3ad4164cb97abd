import type { FastifyPluginAsync } from 'fastify';
import { DataValidationError } from '../../failures.js';
import { listModels, loadModel, type PipelineName } from '../../storage/model-store.js';
import { assignClusters, type SegmentationModel } from '../../pipelines/segmentation/model.js';
import type { LoanModelArtifact } from '../../pipelines/loan/model.js';
import { scoreLoanRows } from '../../pipelines/loan/scoring.js';
import { PredictRequest, type PredictBody } from '../schemas.js';

/** Pulls the model's features out of raw rows; a missing or non-numeric value is a 400 naming row and column. */
export function numericFeatureRows(rows: Record<string, unknown>[], features: string[]): number[][] {
  return rows.map((row, rowIndex) =>
    features.map((feature) => {
      const value = row[feature];
      const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof number !== 'number' || !Number.isFinite(number)) {
        throw new DataValidationError(
          value === undefined || value === null
            ? `Row ${rowIndex} lacks feature "${feature}"`
            : `Row ${rowIndex} has a non-numeric "${feature}": ${JSON.stringify(value)}`,
          { row: rowIndex, column: feature },
        );
      }
      return number;
    }),
  );
}

/**
 * Loan models score raw applicant rows keyed by gold feature names. Numbers may come as strings, with the
 * raw files' stray underscores ("52312.68_"); a missing feature is allowed (the models handle missing
 * values) but named in `missingFeatures`, and a row with none of the model's features is a 400.
 */
function scoreLoanApplicants(artifact: LoanModelArtifact, rows: Record<string, unknown>[]) {
  const { encoder } = artifact.model;
  const known = [...encoder.numeric, ...encoder.categorical.map((c) => c.name)];
  const cleaned = rows.map((row, rowIndex) => {
    if (!known.some((name) => row[name] !== undefined && row[name] !== null)) {
      throw new DataValidationError(
        `Row ${rowIndex} has none of the model's features (${known.slice(0, 5).join(', ')}, …)`,
        {
          row: rowIndex,
        },
      );
    }
    const out: Record<string, unknown> = { ...row };
    for (const name of encoder.numeric) {
      const value = row[name];
      if (typeof value === 'string') {
        const number = Number(value.replace(/_/g, '').trim());
        if (value.trim() !== '' && !Number.isFinite(number)) {
          throw new DataValidationError(`Row ${rowIndex} has a non-numeric "${name}": ${JSON.stringify(value)}`, {
            row: rowIndex,
            column: name,
          });
        }
        out[name] = value.trim() === '' ? null : number;
      }
    }
    return out;
  });
  const { proba, prediction } = scoreLoanRows(artifact, cleaned);
  return {
    modelId: artifact.modelId,
    threshold: artifact.model.threshold,
    predictions: cleaned.map((row, i) => ({
      prediction: prediction[i],
      probability: proba[i],
      missingFeatures: known.filter((name) => row[name] === undefined || row[name] === null),
    })),
  };
}

const modelRoutes: FastifyPluginAsync = async (app) => {
  const { config } = app.deps;

  app.get<{ Querystring: { pipeline?: PipelineName } }>(
    '/models',
    {
      schema: {
        summary: 'Stored models (metadata only), newest first',
        tags: ['models'],
        querystring: {
          type: 'object',
          properties: { pipeline: { type: 'string', enum: ['segmentation', 'loan'] } },
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
      if (artifact.pipeline === 'segmentation') {
        const model = artifact.model as SegmentationModel;
        const predictions = assignClusters(model, numericFeatureRows((request.body.rows as Record<string, unknown>[]), model.features));
        return {
          modelId: artifact.modelId,
          predictions: predictions.map(({ cluster, probabilities }) => ({
            cluster,
            ...(probabilities ? { probabilities } : {}),
          })),
        };
      }
      return scoreLoanApplicants(artifact as LoanModelArtifact, (request.body.rows as Record<string, unknown>[]));
    },
  );
};

export default modelRoutes;
