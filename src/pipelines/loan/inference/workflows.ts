import {
  defineQuery,
  isCancellation,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { quickSteps, summarisedActivities } from '../../../temporal/activity-options.js';
import { ML_MODEL_ID } from '../../../temporal/search-attributes.js';
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

/** The activities with a one-line summary the Temporal UI shows for this call. */
const steps = summarisedActivities<LoanInferenceActivities>(quickSteps('10 minutes'));

/** Prepare one snapshot month → load the champion → predict → gold predictions Parquet. */
export async function loanInferenceWorkflow(request: LoanInferenceInput = {}): Promise<LoanInferenceResult> {
  const input = withDefaults<ResolvedLoanInferenceInput>(LoanInferenceRequest, request);
  const progress = { stage: 'preparing' };
  setHandler(loanInferenceProgressQuery, () => progress);
  try {
    const wanted = input.snapshotDate?.slice(0, 7) ?? 'the latest month';
    setCurrentDetails(`Preparing the gold rows of ${wanted} (\`${input.dataset}\`)`);
    const month = await steps(`gold rows of ${wanted} · ${input.dataset}`).prepareLoanMonth({
      dataset: input.dataset,
      snapshotDate: input.snapshotDate,
      referenceTime: referenceTime(),
    });
    progress.stage = 'predicting';
    const model = input.modelId ?? 'the champion';
    setCurrentDetails(`Scoring ${month.rows} loans of ${month.snapshotMonth} with ${model}`);
    const result = await steps(`score ${month.snapshotMonth} with ${model}`).predictLoanMonth({
      month,
      modelId: input.modelId,
    });
    upsertSearchAttributes([{ key: ML_MODEL_ID, value: result.modelId }]);
    upsertMemo({
      result: {
        modelId: result.modelId,
        snapshotDate: result.snapshotDate,
        rows: result.rows,
        predictedPositives: result.predictedPositives,
      },
    });
    progress.stage = 'completed';
    setCurrentDetails(`Done: ${result.rows} loans of ${month.snapshotMonth} scored with \`${result.modelId}\``);
    return result;
  } catch (err) {
    progress.stage = isCancellation(err) ? 'cancelled' : 'failed';
    setCurrentDetails(progress.stage);
    throw err;
  }
}
