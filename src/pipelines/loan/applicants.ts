import { DataValidationError } from '../../failures.js';
import { parseRawNumber } from './medallion/raw-values.js';
import type { LoanModelArtifact } from './model.js';
import { scoreLoanRows } from './scoring.js';

export interface ApplicantPrediction {
  prediction: number;
  probability: number;
  /** The model's features this row lacked (the models handle missing values; the caller should know). */
  missingFeatures: string[];
}

/**
 * Scores raw applicant rows keyed by gold feature names. Numbers may come as strings with the raw files'
 * dirt ("52312.68_"), read by the same rule as the silver layer; a missing feature is allowed but named
 * in `missingFeatures`; a row with none of the model's features, or a value that is no number, is bad input.
 */
export function scoreLoanApplicants(
  artifact: LoanModelArtifact,
  rows: Record<string, unknown>[],
): { modelId: string; threshold: number; predictions: ApplicantPrediction[] } {
  const { encoder } = artifact.model;
  const known = [...encoder.numeric, ...encoder.categorical.map((c) => c.name)];
  const cleaned = rows.map((row, rowIndex) => {
    if (!known.some((name) => row[name] !== undefined && row[name] !== null)) {
      throw new DataValidationError(
        `Row ${rowIndex} has none of the model's features (${known.slice(0, 5).join(', ')}, …)`,
        { row: rowIndex },
      );
    }
    // Copied only when a value needs reading: most callers send numbers.
    let out: Record<string, unknown> | undefined;
    for (const name of encoder.numeric) {
      const value = row[name];
      if (typeof value !== 'string') continue;
      const number = parseRawNumber(value);
      if (Number.isNaN(number)) {
        throw new DataValidationError(`Row ${rowIndex} has a non-numeric "${name}": ${JSON.stringify(value)}`, {
          row: rowIndex,
          column: name,
        });
      }
      out ??= { ...row };
      out[name] = number;
    }
    return out ?? row;
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
