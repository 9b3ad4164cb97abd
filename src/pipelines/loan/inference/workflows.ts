import { defineQuery, proxyActivities, setHandler } from '@temporalio/workflow';
import { standardRetry } from '../../../failures.js';
import { referenceTime } from '../../../temporal/workflow-context.js';
import { withDefaults } from '../../contract-defaults.js';
import type { LoanInferenceActivities } from './activities.js';
import {
  LoanInferenceRequest,
  type LoanInferenceInput,
  type LoanInferenceResult,
  type ResolvedLoanInferenceInput,
} from './contract.js';

export const loanInferenceProgressQuery = defineQuery<{ stage: string }>('progress');

const steps = proxyActivities<LoanInferenceActivities>({
  startToCloseTimeout: '10 minutes',
  retry: standardRetry,
});

/** Prepare one snapshot month → load the champion → predict → gold predictions Parquet. */
export async function loanInferenceWorkflow(request: LoanInferenceInput = {}): Promise<LoanInferenceResult> {
  const input = withDefaults<ResolvedLoanInferenceInput>(LoanInferenceRequest, request);
  const progress = { stage: 'preparing' };
  setHandler(loanInferenceProgressQuery, () => progress);
  try {
    const month = await steps.prepareLoanMonth({
      dataset: input.dataset,
      snapshotDate: input.snapshotDate,
      referenceTime: referenceTime(),
    });
    progress.stage = 'predicting';
    const result = await steps.predictLoanMonth({ month, modelId: input.modelId });
    progress.stage = 'completed';
    return result;
  } catch (err) {
    progress.stage = 'failed';
    throw err;
  }
}
