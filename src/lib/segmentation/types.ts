/** Shapes shared by the segmentation workflow, its activities and the API (types only: safe for workflow code). */

export type SegmentationAlgorithm = 'kmeans' | 'gmm';

export interface SegmentationInput {
  /** CSV file name inside DATA_DIR. */
  dataset: string;
  features: string[];
  algorithm: SegmentationAlgorithm;
  kMin?: number;
  kMax?: number;
  nInit?: number;
  seed?: number;
  /** Optional CSV of new rows (same feature columns) to assign to clusters. */
  testDataset?: string;
}

export interface ResolvedSegmentationInput extends Required<Omit<SegmentationInput, 'testDataset'>> {
  testDataset?: string;
}

export const SEGMENTATION_DEFAULTS = { kMin: 1, kMax: 20, nInit: 10, seed: 42 } as const;

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
  | 'failed';

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
