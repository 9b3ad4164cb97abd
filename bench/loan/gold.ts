/** The gold table of a run, split and encoded the way the trainLoanModel activity does it (as columns). */
import type { FeatureColumns } from '../../src/ml/tabular-input.js';
import { encodeGoldColumns, fitLoanEncoder } from '../../src/pipelines/loan/features.js';
import { readGoldColumns } from '../../src/pipelines/loan/gold-columns.js';
import { splitGold } from '../../src/pipelines/loan/training/fitting.js';
import { withDuckDb } from '../../src/storage/duckdb.js';
import type { LoanSplit } from '../../src/pipelines/loan/training/contract.js';
import { SPLIT } from './setup.js';

export interface EncodedGold {
  labelled: number;
  positiveShare: number;
  featureNames: string[];
  yTrain: Float64Array;
  yTest: Float64Array;
  /** NaN kept (trees). */
  xTrain: FeatureColumns;
  xTest: FeatureColumns;
  /** Training medians imputed (logistic regression). */
  xTrainImputed: FeatureColumns;
  xTestImputed: FeatureColumns;
}

/**
 * The labelled gold loans, split (stratified 80/20, seed 42, unless `split` says otherwise), encoded with an
 * encoder fitted on the training rows.
 */
export async function encodeGold(goldPath: string, split: LoanSplit = SPLIT): Promise<EncodedGold> {
  const gold = await withDuckDb((conn) => readGoldColumns(conn, goldPath, 'label IS NOT NULL'));
  const { train, test } = splitGold(gold, split);
  const encoder = fitLoanEncoder(gold, train);
  return {
    labelled: gold.nRows,
    positiveShare: gold.label.reduce((a, b) => a + b, 0) / gold.nRows,
    featureNames: encoder.featureNames,
    yTrain: Float64Array.from(train, (i) => gold.label[i]),
    yTest: Float64Array.from(test, (i) => gold.label[i]),
    xTrain: encodeGoldColumns(encoder, gold, train),
    xTest: encodeGoldColumns(encoder, gold, test),
    xTrainImputed: encodeGoldColumns(encoder, gold, train, true),
    xTestImputed: encodeGoldColumns(encoder, gold, test, true),
  };
}
