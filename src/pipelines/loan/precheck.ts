import type { AppConfig } from '../../config.js';
import { requireLoanRawFiles } from './medallion/layers.js';
import { loadLoanModel } from './scoring.js';

/**
 * The dataset folder holds the four raw files and, when the run scores, there is a model to score with. Runs
 * in the API before a run starts: the files are found, not read.
 */
export async function checkLoanRequest(
  config: AppConfig,
  request: { dataset?: string; modelId?: string },
  needsModel: boolean,
): Promise<void> {
  const dataset = request.dataset ?? 'loan';
  await requireLoanRawFiles(config.dataDir, dataset);
  if (needsModel) await loadLoanModel(config.modelStoreDir, dataset, request.modelId);
}

/** The pre-check of a loan pipeline: the dataset's files, and a model when the run scores with one. */
export function loanPrecheck<Request extends { dataset?: string; modelId?: string }>(options: { needsModel: boolean }) {
  return async (config: AppConfig, request: Request): Promise<Request> => {
    await checkLoanRequest(config, request, options.needsModel);
    return request;
  };
}
