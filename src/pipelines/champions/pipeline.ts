/**
 * The champion registry's place in the worker: its workflow (exported from the sandbox's entry) and its
 * activities (hosted by every worker, through the pipeline registry's createActivities).
 */
import { createChampionActivities } from './activities.js';
import { championRegistryWorkflow } from './workflows.js';

export const championRegistry = {
  workflow: championRegistryWorkflow,
  activities: createChampionActivities,
};
