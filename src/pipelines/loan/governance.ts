/** The governance gate: every breached threshold is a reason; any reason means degraded. Pure. */
import type { GovernanceThresholds, LoanMonitoringMetrics } from './monitoring/contract.js';

const below = (value: number, threshold: number) => value < threshold;
const atOrAbove = (value: number, threshold: number) => value >= threshold;

/**
 * `metric value op threshold`, the value to three decimals or as many more as it takes for the text to
 * still show the breach (an AUC of 0.69996 reads "auc 0.69996 < 0.7", not "auc 0.700 < 0.7").
 */
function reason(
  metric: string,
  value: number,
  op: '<' | '>=',
  threshold: number,
  breached: (value: number, threshold: number) => boolean,
): string {
  let text = String(value);
  for (let digits = 3; digits <= 12; digits++) {
    const fixed = value.toFixed(digits);
    if (breached(Number(fixed), threshold)) {
      text = fixed;
      break;
    }
  }
  return `${metric} ${text} ${op} ${threshold}`;
}

export function governanceReasons(
  metrics: Pick<LoanMonitoringMetrics, 'current' | 'psi'>,
  t: GovernanceThresholds,
): string[] {
  const reasons: string[] = [];
  const { auc, precision, recall } = metrics.current;
  const psi = metrics.psi.score;
  if (auc !== null && below(auc, t.minAuc)) reasons.push(reason('auc', auc, '<', t.minAuc, below));
  if (atOrAbove(psi, t.maxPsi)) reasons.push(reason('psi', psi, '>=', t.maxPsi, atOrAbove));
  if (precision !== null && below(precision, t.minPrecision)) {
    reasons.push(reason('precision', precision, '<', t.minPrecision, below));
  }
  if (recall !== null && below(recall, t.minRecall)) reasons.push(reason('recall', recall, '<', t.minRecall, below));
  return reasons;
}
