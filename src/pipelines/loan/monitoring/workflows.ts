import {
  ParentClosePolicy,
  defineQuery,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { standardRetry } from '../../../failures.js';
import { referenceTime } from '../../../temporal/workflow-context.js';
import { withDefaults } from '../../contract-defaults.js';
import { retrainingWorkflowId } from '../config.js';
import { governanceReasons } from '../governance.js';
import { loanTrainingWorkflow } from '../training/workflows.js';
import type { LoanMonitoringActivities } from './activities.js';
import {
  DEFAULT_THRESHOLDS,
  LoanMonitoringRequest,
  type GovernanceThresholds,
  type LoanMonitoringInput,
  type LoanMonitoringResult,
  type ResolvedLoanMonitoringInput,
} from './contract.js';

export const loanMonitoringProgressQuery = defineQuery<{ stage: string }>('progress');

const steps = proxyActivities<LoanMonitoringActivities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '5 minutes',
  retry: standardRetry,
});

/**
 * Monthly metrics and drift → dashboard → governance gate. A degraded model starts `loan-training` as a
 * child that outlives this run (ABANDON), with a workflow id that says why.
 */
export async function loanMonitoringWorkflow(request: LoanMonitoringInput = {}): Promise<LoanMonitoringResult> {
  const input = withDefaults<ResolvedLoanMonitoringInput>(LoanMonitoringRequest, request);
  const progress = { stage: 'computing-metrics' };
  setHandler(loanMonitoringProgressQuery, () => progress);
  const thresholds: GovernanceThresholds = { ...DEFAULT_THRESHOLDS, ...input.thresholds };
  const { dataset } = input;
  try {
    const metrics = await steps.computeLoanMonitoring({
      dataset,
      snapshotDate: input.snapshotDate,
      referenceTime: referenceTime(),
      months: input.months,
      modelId: input.modelId,
      thresholds,
    });

    progress.stage = 'governance';
    const reasons = governanceReasons(metrics, thresholds);
    const decision = reasons.length > 0 ? 'degraded' : 'ok';
    let retrainRunId: string | undefined;
    if (decision === 'degraded' && input.retrainOnDegradation) {
      progress.stage = 'starting-retraining';
      const child = await startChild(loanTrainingWorkflow, {
        workflowId: retrainingWorkflowId(metrics.snapshotDate, workflowInfo().workflowId),
        args: [{ dataset, reason: `degraded: ${reasons.join('; ')}` }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
      retrainRunId = child.workflowId;
    }
    progress.stage = 'completed';
    return { ...metrics, decision, reasons, thresholds, ...(retrainRunId ? { retrainRunId } : {}) };
  } catch (err) {
    progress.stage = 'failed';
    throw err;
  }
}
