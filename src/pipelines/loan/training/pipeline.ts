import { DataValidationError } from '../../../failures.js';
import { definePipeline } from '../../pipeline.js';
import { LOAN_PIPELINES } from '../config.js';
import { loanPrecheck } from '../precheck.js';
import { createLoanTrainingActivities } from './activities.js';
import { describeLoanTrainingRun, LoanTrainingRequest } from './contract.js';
import { loanTrainingWorkflow } from './workflows.js';

export const loanTrainingPipeline = definePipeline({
  name: LOAN_PIPELINES.training,
  summary: 'Start a loan-default training run (medallion layers, quality gate, three models, champion)',
  request: LoanTrainingRequest,
  workflow: loanTrainingWorkflow,
  async precheck(config, request) {
    if (request.split?.kind === 'out-of-time' && !request.split.cutoffMonth) {
      throw new DataValidationError('An out-of-time split needs cutoffMonth (YYYY-MM)', {
        column: 'split.cutoffMonth',
      });
    }
    return loanPrecheck<typeof request>({ needsModel: false })(config, request);
  },
  describe: describeLoanTrainingRun,
  activities: createLoanTrainingActivities,
});
