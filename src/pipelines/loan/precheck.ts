import type { AppConfig } from '../../config.js';
import { resolveLoanLayers } from './medallion/layers.js';
import { loadLoanModel } from './scoring.js';

/** The dataset folder holds the four raw files and, when the run scores, there is a model to score with. */
export async function checkLoanRequest(
  config: AppConfig,
  request: { dataset?: string; modelId?: string },
  needsModel: boolean,
): Promise<void> {
  const dataset = request.dataset ?? 'loan';
  await resolveLoanLayers(config.dataDir, dataset);
  if (needsModel) await loadLoanModel(config.modelStoreDir, dataset, request.modelId);
}
