import { DataValidationError } from '../../failures.js';
import { predictProba } from '../../ml/classifiers.js';
import { labelsAtThreshold } from '../../ml/math.js';
import { compileTrees } from '../../ml/tree-scoring.js';
import { encodeLoanRecords, type ReadNumberText } from './features.js';
import { parseRawNumber } from './medallion/raw-values.js';
import type { LoanModelArtifact } from './model.js';
import type { ScoringInput } from '../scoring-input.js';

export interface ApplicantPrediction {
  prediction: number;
  probability: number;
  /** The model's features this row lacked (the models handle missing values; the caller should know). */
  missingFeatures: string[];
}

/**
 * Scores raw applicant rows (or columns) keyed by gold feature names. Numbers may come as strings with the raw files'
 * dirt ("52312.68_"), read by the same rule as the silver layer; a missing feature (absent, null, blank or a
 * placeholder) is allowed but named in `missingFeatures`; a row with none of the model's features, or a value
 * that is no number, is bad input (the first such row is named).
 */
export function scoreLoanApplicants(
  artifact: LoanModelArtifact,
  input: ScoringInput,
): { modelId: string; threshold: number; predictions: ApplicantPrediction[] } {
  const { classifier, encoder, threshold } = artifact.model;
  const inputs = [...encoder.numeric, ...encoder.categorical.map((c) => c.name)];
  // The encoder reads column by column; the error reported is the first row's (its first column's), as a
  // caller reading the rows in order expects.
  let badNumber: { row: number; name: string; text: string } | undefined;
  const readText: ReadNumberText = (text, row, name) => {
    const number = parseRawNumber(text);
    if (!Number.isNaN(number)) return number;
    if (badNumber === undefined || row < badNumber.row) badNumber = { row, name, text };
    return null;
  };
  const { x, absent, absentCounts } = encodeLoanRecords(
    encoder,
    input,
    classifier.kind === 'logistic-regression',
    readText,
  );
  const emptyRow = absentCounts.findIndex((count) => count === inputs.length);
  if (badNumber !== undefined && (emptyRow < 0 || badNumber.row <= emptyRow)) {
    const { row, name, text } = badNumber;
    throw new DataValidationError(`Row ${row} has a non-numeric "${name}": ${JSON.stringify(text)}`, {
      row,
      column: name,
    });
  }
  if (emptyRow >= 0) {
    throw new DataValidationError(
      `Row ${emptyRow} has none of the model's features (${inputs.slice(0, 5).join(', ')}, …)`,
      { row: emptyRow },
    );
  }
  // The API keeps loaded models, so a served model's trees are compiled once and reused (src/ml/tree-scoring.ts).
  if (classifier.kind === 'gradient-boosting' || classifier.kind === 'random-forest') compileTrees(classifier.trees);
  const proba = predictProba(classifier, x);
  const prediction = labelsAtThreshold(proba, threshold);
  const n = input.nRows;
  const predictions: ApplicantPrediction[] = [];
  for (let i = 0; i < n; i++) {
    const missingFeatures: string[] = [];
    if (absentCounts[i] > 0) {
      for (let j = 0; j < inputs.length; j++) if (absent[j * n + i] === 1) missingFeatures.push(inputs[j]);
    }
    predictions.push({ prediction: prediction[i], probability: proba[i], missingFeatures });
  }
  return { modelId: artifact.modelId, threshold, predictions };
}
