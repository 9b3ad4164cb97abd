/**
 * One k of a segmentation sweep, run on a worker thread of the compute pool (src/compute/pool.ts). This
 * module is loaded inside the thread, so it imports only pure code (src/ml) and types.
 */
import { defineComputeTask } from '../../compute/task.js';
import { fitGmmMatrix, predictGmmMatrix } from '../../ml/gmm.js';
import { fitKMeansMatrix } from '../../ml/kmeans.js';
import type { DenseMatrix } from '../../ml/linalg.js';
import type { GmmModel } from './model.js';
import type { CurvePoint, SegmentationAlgorithm } from './contract.js';

export interface FitKInput {
  /** The scaled rows, row-major (rows × cols); backed by a SharedArrayBuffer, so no copy reaches the thread. */
  data: Float64Array;
  rows: number;
  cols: number;
  algorithm: SegmentationAlgorithm;
  k: number;
  nInit: number;
  seed: number;
}

/** What a fit at one k leaves behind: its curve point, the model's parameters and the cluster sizes. */
export interface FittedK {
  point: CurvePoint;
  centroids?: number[][];
  gmm?: GmmModel;
  clusterSizes: number[];
  /** The model's quality figures, as the model store records them. */
  metrics: Record<string, number | boolean>;
}

function sizesOf(labels: ArrayLike<number>, k: number): number[] {
  const sizes = new Array<number>(k).fill(0);
  for (let i = 0; i < labels.length; i += 1) sizes[labels[i]] += 1;
  return sizes;
}

export function fitSegmentationK(input: FitKInput): FittedK {
  const matrix: DenseMatrix = { data: input.data, rows: input.rows, cols: input.cols };
  const { k, nInit, seed } = input;
  if (input.algorithm === 'kmeans') {
    const fit = fitKMeansMatrix(matrix, k, { nInit, seed });
    return {
      point: { k, score: fit.inertia, iterations: fit.iterations },
      centroids: fit.centroids,
      clusterSizes: sizesOf(fit.labels, k),
      metrics: { sse: fit.inertia, iterations: fit.iterations },
    };
  }
  const gmm = fitGmmMatrix(matrix, k, { nInit, seed });
  return {
    point: { k, score: gmm.bic, aic: gmm.aic, logLikelihood: gmm.logLikelihood, iterations: gmm.iterations },
    gmm,
    clusterSizes: sizesOf(predictGmmMatrix(gmm, matrix), k),
    metrics: { bic: gmm.bic, aic: gmm.aic, logLikelihood: gmm.logLikelihood, converged: gmm.converged },
  };
}

export const fitSegmentationKTask = defineComputeTask<FitKInput, FittedK>(import.meta.url, 'fitSegmentationK');
