import {
  ParentClosePolicy,
  defineQuery,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { LoanMonitoringActivities } from '../activities/loan-monitoring.js';
import {
  DEFAULT_THRESHOLDS,
  type GovernanceThresholds,
  type LoanMonitoringInput,
  type LoanMonitoringMetrics,
  type LoanMonitoringResult,
} from '../lib/loan/types.js';
import { loanTrainingWorkflow } from './loan-training.js';
import { referenceTime, standardRetry, surfaceBadInput } from './common.js';

export const loanMonitoringProgressQuery = defineQuery<{ stage: string }>('progress');

const steps = proxyActivities<LoanMonitoringActivities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '5 minutes',
  retry: standardRetry,
});

const fmt = (value: number) => value.toFixed(3);

/** The governance gate: every breached threshold is a reason; any reason means degraded. */
export function governanceReasons(metrics: LoanMonitoringMetrics, t: GovernanceThresholds): string[] {
  const reasons: string[] = [];
  const { auc, precision, recall } = metrics.current;
  if (auc !== null && auc < t.minAuc) reasons.push(`auc ${fmt(auc)} < ${t.minAuc}`);
  if (metrics.psi.score >= t.maxPsi) reasons.push(`psi ${fmt(metrics.psi.score)} >= ${t.maxPsi}`);
  if (precision !== null && precision < t.minPrecision) reasons.push(`precision ${fmt(precision)} < ${t.minPrecision}`);
  if (recall !== null && recall < t.minRecall) reasons.push(`recall ${fmt(recall)} < ${t.minRecall}`);
  return reasons;
}

/**
 * Monthly metrics and drift → dashboard → governance gate. A degraded model starts `loan-training` as a
 * child that outlives this run (ABANDON), with a workflow id that says why.
 */
export async function loanMonitoringWorkflow(input: LoanMonitoringInput = {}): Promise<LoanMonitoringResult> {
  const progress = { stage: 'computing-metrics' };
  setHandler(loanMonitoringProgressQuery, () => progress);
  const thresholds: GovernanceThresholds = { ...DEFAULT_THRESHOLDS, ...input.thresholds };
  const dataset = input.dataset ?? 'loan';
  try {
    const metrics = await steps.computeLoanMonitoring({
      dataset,
      snapshotDate: input.snapshotDate,
      referenceTime: referenceTime(),
      months: input.months ?? 6,
      modelId: input.modelId,
      thresholds,
    });

    progress.stage = 'governance';
    const reasons = governanceReasons(metrics, thresholds);
    const decision = reasons.length > 0 ? 'degraded' : 'ok';
    let retrainRunId: string | undefined;
    if (decision === 'degraded' && input.retrainOnDegradation !== false) {
      progress.stage = 'starting-retraining';
      const child = await startChild(loanTrainingWorkflow, {
        workflowId: `loan-training-retrain-degraded-${metrics.snapshotDate.slice(0, 7)}-from-${workflowInfo().workflowId}`,
        args: [{ dataset, reason: `degraded: ${reasons.join('; ')}` }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
      retrainRunId = child.workflowId;
    }
    progress.stage = 'completed';
    return { ...metrics, decision, reasons, thresholds, ...(retrainRunId ? { retrainRunId } : {}) };
  } catch (err) {
    progress.stage = 'failed';
    throw surfaceBadInput(err);
  }
}
