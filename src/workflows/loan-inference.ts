import { defineQuery, proxyActivities, setHandler } from '@temporalio/workflow';
import type { LoanInferenceActivities } from '../activities/loan-inference.js';
import type { LoanInferenceInput, LoanInferenceResult } from '../lib/loan/types.js';
import { referenceTime, standardRetry, surfaceBadInput } from './common.js';

export const loanInferenceProgressQuery = defineQuery<{ stage: string }>('progress');

const steps = proxyActivities<LoanInferenceActivities>({
  startToCloseTimeout: '10 minutes',
  retry: standardRetry,
});

/** Prepare one snapshot month → load the champion → predict → gold predictions Parquet. */
export async function loanInferenceWorkflow(input: LoanInferenceInput = {}): Promise<LoanInferenceResult> {
  const progress = { stage: 'preparing' };
  setHandler(loanInferenceProgressQuery, () => progress);
  try {
    const month = await steps.prepareLoanMonth({
      dataset: input.dataset ?? 'loan',
      snapshotDate: input.snapshotDate,
      referenceTime: referenceTime(),
    });
    progress.stage = 'predicting';
    const result = await steps.predictLoanMonth({ month, modelId: input.modelId });
    progress.stage = 'completed';
    return result;
  } catch (err) {
    progress.stage = 'failed';
    throw surfaceBadInput(err);
  }
}
