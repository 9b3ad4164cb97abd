/** The governance gate: every breached threshold is a reason; any reason means degraded. Pure. */
import type { GovernanceThresholds, LoanMonitoringMetrics } from './monitoring/contract.js';

const fmt = (value: number) => value.toFixed(3);

export function governanceReasons(
  metrics: Pick<LoanMonitoringMetrics, 'current' | 'psi'>,
  t: GovernanceThresholds,
): string[] {
  const reasons: string[] = [];
  const { auc, precision, recall } = metrics.current;
  if (auc !== null && auc < t.minAuc) reasons.push(`auc ${fmt(auc)} < ${t.minAuc}`);
  if (metrics.psi.score >= t.maxPsi) reasons.push(`psi ${fmt(metrics.psi.score)} >= ${t.maxPsi}`);
  if (precision !== null && precision < t.minPrecision) reasons.push(`precision ${fmt(precision)} < ${t.minPrecision}`);
  if (recall !== null && recall < t.minRecall) reasons.push(`recall ${fmt(recall)} < ${t.minRecall}`);
  return reasons;
}
