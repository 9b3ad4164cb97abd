import { loadModel, getChampion } from '../../storage/model-store.js';
import { DataValidationError } from '../../failures.js';
import type { LoanModelArtifact, LoanModelPayload } from './model.js';

/** The model asked for, or the dataset's champion; a clear error when there is none yet. */
export async function loadLoanModel(
  modelStoreDir: string,
  dataset: string,
  modelId?: string,
): Promise<LoanModelArtifact> {
  const id = modelId ?? (await getChampion(modelStoreDir, 'loan', dataset))?.modelId;
  if (!id) {
    throw new DataValidationError(`No loan model has been trained on "${dataset}" yet: run loan-training first`, {
      file: dataset,
    });
  }
  const artifact = await loadModel<LoanModelPayload>(modelStoreDir, id);
  if (artifact.pipeline !== 'loan') throw new DataValidationError(`Model "${id}" is not a loan model`, {});
  return artifact;
}
