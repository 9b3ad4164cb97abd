import type { fitGmm } from '../../ml/gmm.js';
import { predictGmmProba } from '../../ml/gmm.js';
import { predictKMeans } from '../../ml/kmeans.js';
import { transformMinMax, type fitMinMaxScaler } from '../../ml/minmax-scaler.js';
import { DataValidationError } from '../../failures.js';
import type { ModelArtifact } from '../../storage/model-store.js';
import type { ScoringInput } from '../scoring-input.js';
import type { SegmentationAlgorithm, TestPrediction } from './contract.js';

export type MinMaxScaler = ReturnType<typeof fitMinMaxScaler>;
export type GmmModel = ReturnType<typeof fitGmm>;

/** The `model` part of a stored segmentation artifact: everything needed to assign new rows. */
export interface SegmentationModel {
  algorithm: SegmentationAlgorithm;
  features: string[];
  k: number;
  /** Fitted on the training rows; new rows are scaled with it before assignment. */
  scaler: MinMaxScaler;
  /** K-Means centroids, in scaled feature space. */
  centroids?: number[][];
  gmm?: GmmModel;
}

function argMax(values: number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] ?? -Infinity) > (values[best] ?? -Infinity)) best = i;
  return best;
}

/** Assigns rows (raw feature values in model.features order) to clusters; a row with a missing value gets null. */
export function assignClusters(model: SegmentationModel, rows: (number | null)[][]): TestPrediction[] {
  const completeIndex: number[] = [];
  const complete: number[][] = [];
  rows.forEach((row, i) => {
    if (row.length === model.features.length && row.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      completeIndex.push(i);
      complete.push(row as number[]);
    }
  });
  const predictions: TestPrediction[] = rows.map((_, i) => ({ row: i, cluster: null }));
  if (complete.length === 0) return predictions;
  const scaled = transformMinMax(model.scaler, complete);
  if (model.algorithm === 'kmeans') {
    if (!model.centroids) throw new Error('K-Means model has no centroids');
    predictKMeans(model.centroids, scaled).forEach((cluster, j) => {
      predictions[completeIndex[j]] = { row: completeIndex[j], cluster };
    });
  } else {
    if (!model.gmm) throw new Error('GMM model has no mixture parameters');
    predictGmmProba(model.gmm, scaled).forEach((probabilities, j) => {
      predictions[completeIndex[j]] = { row: completeIndex[j], cluster: argMax(probabilities), probabilities };
    });
  }
  return predictions;
}

/** Pulls the model's features out of raw rows (or columns), row by row; a missing or non-numeric value is bad input naming row and column. */
export function numericFeatureRows(input: ScoringInput, features: string[]): number[][] {
  const columns = features.map((feature) => input.column(feature));
  return Array.from({ length: input.nRows }, (_, rowIndex) =>
    features.map((feature, f) => {
      const value = columns[f]?.[rowIndex];
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

/** Scores raw rows (scaled with the model's own scaler): a cluster each and, for a GMM, its probabilities. */
export function scoreSegmentationRows(
  artifact: ModelArtifact<SegmentationModel>,
  input: ScoringInput,
): { modelId: string; predictions: { cluster: number | null; probabilities?: number[] }[] } {
  const predictions = assignClusters(artifact.model, numericFeatureRows(input, artifact.model.features));
  return {
    modelId: artifact.modelId,
    predictions: predictions.map(({ cluster, probabilities }) => ({
      cluster,
      ...(probabilities ? { probabilities } : {}),
    })),
  };
}
