/** Ids and limits of the champion registry. Pure: safe inside the workflow sandbox. */

/** One registry workflow per pipeline and dataset; its id says which. */
export function championRegistryId(pipeline: string, dataset: string): string {
  return `champion-registry:${pipeline}:${dataset}`;
}

/** A training run's automatic promotion: one update id per run, so a retried activity changes nothing twice. */
export function trainingRunUpdateId(workflowId: string, runId: string): string {
  return `training-run:${workflowId}:${runId}`;
}

/** An API request's change: one update id per request. */
export function apiRequestUpdateId(requestId: string): string {
  return `api:${requestId}`;
}

/** Who changed the champion when a training run did: the schedule that started it, or the run itself. */
export function trainingRunActor(workflowId: string, scheduleId?: string): string {
  return scheduleId ? `schedule ${scheduleId}` : `training run ${workflowId}`;
}

export const CHAMPION_REGISTRY_LIMITS = {
  /** Continue-as-new once the run's history has this many events (or the server suggests it sooner). */
  continueAsNewAfterEvents: 2000,
  /** Changes carried into the next run; older ones stay in earlier runs' histories. */
  keptChanges: 500,
  /** Champions remembered for rollbacks (the newest last). */
  keptChampions: 100,
} as const;
