/** Names and ids of the loan pipelines. Pure: safe inside the workflow sandbox. */

/** The API's pipeline names: `POST /runs/<name>`, run ids `<name>-<uuid>`. */
export const LOAN_PIPELINES = {
  training: 'loan-training',
  inference: 'loan-inference',
  monitoring: 'loan-monitoring',
} as const;

/** Every champion model id says when and by which run it was trained. */
export function loanModelId(runStamp: string): string {
  return `loan-${runStamp}`;
}

/** A retraining child's id says why it runs and who started it: one per degraded month and monitoring run. */
export function retrainingWorkflowId(snapshotDate: string, parentWorkflowId: string): string {
  return `loan-training-retrain-degraded-${snapshotDate.slice(0, 7)}-from-${parentWorkflowId}`;
}
