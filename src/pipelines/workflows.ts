// The worker bundles this file: every workflow type is exported from here.
export { segmentationWorkflow, segmentationProgressQuery } from './segmentation/workflows.js';
export { loanTrainingWorkflow, loanTrainingProgressQuery } from './loan/training/workflows.js';
export { loanInferenceWorkflow, loanInferenceProgressQuery } from './loan/inference/workflows.js';
export { loanMonitoringWorkflow, loanMonitoringProgressQuery } from './loan/monitoring/workflows.js';
export {
  championRegistryWorkflow,
  promoteChampionUpdate,
  rollbackChampionUpdate,
  currentChampionQuery,
  championHistoryQuery,
} from './champions/workflows.js';
