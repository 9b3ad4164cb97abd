import { definePipeline } from '../../pipeline.js';
import { LOAN_PIPELINES } from '../config.js';
import { loanPrecheck } from '../precheck.js';
import { createLoanMonitoringActivities } from './activities.js';
import { describeLoanMonitoringRun, LoanMonitoringRequest } from './contract.js';
import { loanMonitoringWorkflow } from './workflows.js';

export const loanMonitoringPipeline = definePipeline({
  name: LOAN_PIPELINES.monitoring,
  summary: 'Monitor the model: monthly metrics, PSI drift, dashboard, governance gate (retrains when degraded)',
  request: LoanMonitoringRequest,
  workflow: loanMonitoringWorkflow,
  precheck: loanPrecheck({ needsModel: true }),
  describe: describeLoanMonitoringRun,
  activities: createLoanMonitoringActivities,
});
