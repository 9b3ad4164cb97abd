import {
  CancellationScope,
  ParentClosePolicy,
  defineQuery,
  isCancellation,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { heartbeatingWork, summarisedActivities } from '../../../temporal/activity-options.js';
import { ML_DECISION, ML_MODEL_ID, runStartMetadata } from '../../../temporal/search-attributes.js';
import { referenceTime } from '../../../temporal/workflow-context.js';
import { withDefaults } from '../../contract-defaults.js';
import { LOAN_PIPELINES, retrainingWorkflowId } from '../config.js';
import { governanceReasons } from '../governance.js';
import { describeLoanTrainingRun, type LoanTrainingInput } from '../training/contract.js';
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

/** Heartbeats per month: a cancelled run stops between months, and closes once the activity has stopped. */
const steps = summarisedActivities<LoanMonitoringActivities>(heartbeatingWork('15 minutes'));

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
    const month = input.snapshotDate?.slice(0, 7) ?? 'the latest month';
    const model = input.modelId ?? 'the champion';
    setCurrentDetails(`Scoring ${input.months} months up to ${month} with ${model}`);
    const metrics = await steps(`score ${input.months} months to ${month} with ${model}`).computeLoanMonitoring({
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
    upsertSearchAttributes([
      { key: ML_DECISION, value: decision },
      { key: ML_MODEL_ID, value: metrics.modelId },
    ]);
    upsertMemo({
      result: { decision, modelId: metrics.modelId, auc: metrics.current.auc, psi: metrics.psi.score, reasons },
    });
    setCurrentDetails(`Governance: ${decision}${reasons.length ? ` (${reasons.join('; ')})` : ''}`);
    let retrainRunId: string | undefined;
    if (decision === 'degraded' && input.retrainOnDegradation) {
      progress.stage = 'starting-retraining';
      const args: LoanTrainingInput = { dataset, reason: `degraded: ${reasons.join('; ')}` };
      // The monitoring outputs are written: a cancellation now is too late, the gate's decision stands.
      const child = await CancellationScope.nonCancellable(() =>
        startChild(loanTrainingWorkflow, {
          workflowId: retrainingWorkflowId(metrics.snapshotDate, workflowInfo().workflowId),
          args: [args],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          ...runStartMetadata(LOAN_PIPELINES.training, describeLoanTrainingRun(args)),
        }),
      );
      setCurrentDetails(`Degraded: retraining in \`${child.workflowId}\``);
      retrainRunId = child.workflowId;
    }
    progress.stage = 'completed';
    return { ...metrics, decision, reasons, thresholds, ...(retrainRunId ? { retrainRunId } : {}) };
  } catch (err) {
    progress.stage = isCancellation(err) ? 'cancelled' : 'failed';
    setCurrentDetails(progress.stage);
    throw err;
  }
}
