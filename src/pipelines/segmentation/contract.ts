/**
 * The segmentation pipeline's contract: its request schema, written once (the API validates with it,
 * OpenAPI publishes it, the types and defaults come from it), and the shapes of its progress and result.
 * Pure: safe inside the workflow sandbox.
 */
import Type, { type Static } from 'typebox';
import type { RunDescription } from '../../temporal/search-attributes.js';
import { defaultsOf } from '../contract-defaults.js';

export const MAX_K = 200;

export const SegmentationRequest = Type.Object(
  {
    dataset: Type.String({ minLength: 1, description: 'CSV file name inside DATA_DIR' }),
    features: Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      uniqueItems: true,
      description: 'Numeric columns to cluster on',
    }),
    algorithm: Type.Enum(['kmeans', 'gmm'], {
      description: 'K-Means (elbow of the SSE curve) or a Gaussian mixture (elbow of the BIC curve)',
    }),
    kMin: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_K, default: 1 })),
    kMax: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_K, default: 20 })),
    nInit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10, description: 'Seeded restarts per k' })),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647, default: 42 })),
    testDataset: Type.Optional(Type.String({ minLength: 1, description: 'Optional CSV of new rows to assign' })),
  },
  { additionalProperties: false },
);

export type SegmentationInput = Static<typeof SegmentationRequest>;
export type SegmentationAlgorithm = SegmentationInput['algorithm'];

/** A request with its defaults applied: what the workflow runs with. */
export type ResolvedSegmentationInput = Required<Omit<SegmentationInput, 'testDataset'>> &
  Pick<SegmentationInput, 'testDataset'>;

export const SEGMENTATION_DEFAULTS =
  defaultsOf<Pick<SegmentationInput, 'kMin' | 'kMax' | 'nInit' | 'seed'>>(SegmentationRequest);

export interface CurvePoint {
  k: number;
  /** SSE (inertia) for K-Means, BIC for GMM. */
  score: number;
  aic?: number;
  logLikelihood?: number;
  iterations?: number;
}

export interface TestPrediction {
  row: number;
  /** null when the row lacks one of the features. */
  cluster: number | null;
  probabilities?: number[];
}

export type SegmentationStage =
  | 'queued'
  | 'loading'
  | 'preprocessing'
  | 'fitting'
  | 'selecting-k'
  | 'fitting-final-model'
  | 'predicting'
  | 'completed'
  | 'failed'
  | 'cancelled';

export interface SegmentationProgress {
  stage: SegmentationStage;
  kDone: number;
  kTotal: number;
  message?: string;
}

export interface SegmentationResult {
  optimalK: number;
  /** False when Kneedle found no knee and kMin was used. */
  elbowFound: boolean;
  metric: 'sse' | 'bic';
  curve: CurvePoint[];
  modelId: string;
  clusterSizes: number[];
  rows: number;
  droppedRows: number;
  testPredictions: TestPrediction[];
  /** Parquet with every test prediction (the list above is capped). */
  testPredictionsPath?: string;
}

/** Only this many test predictions travel in workflow history; the rest are in the Parquet file. */
export const MAX_INLINE_TEST_PREDICTIONS = 1000;

/** How a segmentation run reads in the Temporal UI, e.g. "GMM k=1..20 · cc.csv". */
export function describeSegmentationRun(request: SegmentationInput): RunDescription {
  const input = { ...SEGMENTATION_DEFAULTS, ...request };
  const algorithm = input.algorithm === 'kmeans' ? 'K-Means' : 'GMM';
  return {
    summary: `${algorithm} k=${input.kMin}..${input.kMax} · ${input.dataset}`,
    dataset: input.dataset,
    parameters: {
      algorithm: input.algorithm,
      features: input.features.join(', '),
      kMin: input.kMin,
      kMax: input.kMax,
      nInit: input.nInit,
      seed: input.seed,
      testDataset: input.testDataset,
    },
  };
}
