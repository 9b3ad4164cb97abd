/** The gold table of a run, split and encoded the way the trainLoanModel activity does it. */
import { stratifiedSplit } from '../../src/ml/split.js';
import { encodeLoanRows, fitLoanEncoder, readGoldRows } from '../../src/pipelines/loan/features.js';
import { withDuckDb } from '../../src/storage/duckdb.js';
import { SEED, TEST_FRACTION } from './setup.js';

export interface EncodedGold {
  labelled: number;
  positiveShare: number;
  featureNames: string[];
  yTrain: number[];
  yTest: number[];
  /** NaN kept (trees). */
  xTrain: Float64Array[];
  xTest: Float64Array[];
  /** Training medians imputed (logistic regression). */
  xTrainImputed: Float64Array[];
  xTestImputed: Float64Array[];
}

/** The labelled gold loans, stratified 80/20 (seed 42), encoded with an encoder fitted on the training rows. */
export async function encodeGold(goldPath: string): Promise<EncodedGold> {
  const rows = await withDuckDb((conn) => readGoldRows(conn, goldPath, 'label IS NOT NULL'));
  const labels = rows.map((r) => Number(r.label));
  const { train, test } = stratifiedSplit(labels, TEST_FRACTION, SEED);
  const trainRows = train.map((i) => rows[i]);
  const testRows = test.map((i) => rows[i]);
  const encoder = fitLoanEncoder(trainRows);
  return {
    labelled: rows.length,
    positiveShare: labels.reduce((a, b) => a + b, 0) / labels.length,
    featureNames: encoder.featureNames,
    yTrain: train.map((i) => labels[i]),
    yTest: test.map((i) => labels[i]),
    xTrain: encodeLoanRows(encoder, trainRows),
    xTest: encodeLoanRows(encoder, testRows),
    xTrainImputed: encodeLoanRows(encoder, trainRows, true),
    xTestImputed: encodeLoanRows(encoder, testRows, true),
  };
}
