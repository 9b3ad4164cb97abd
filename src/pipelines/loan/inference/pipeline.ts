import { definePipeline } from '../../pipeline.js';
import { LOAN_PIPELINES } from '../config.js';
import { loanPrecheck } from '../precheck.js';
import { createLoanInferenceActivities } from './activities.js';
import { describeLoanInferenceRun, LoanInferenceRequest } from './contract.js';
import { loanInferenceWorkflow } from './workflows.js';

export const loanInferencePipeline = definePipeline({
  name: LOAN_PIPELINES.inference,
  summary: 'Score one snapshot month with the champion (or a given model)',
  request: LoanInferenceRequest,
  workflow: loanInferenceWorkflow,
  precheck: loanPrecheck({ needsModel: true }),
  describe: describeLoanInferenceRun,
  activities: createLoanInferenceActivities,
});
