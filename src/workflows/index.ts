// The worker bundles this file: every workflow type is exported from here.
export { segmentationWorkflow, segmentationProgressQuery } from './segmentation.js';
export { loanTrainingWorkflow, loanTrainingProgressQuery } from './loan-training.js';
export { loanInferenceWorkflow, loanInferenceProgressQuery } from './loan-inference.js';
export { loanMonitoringWorkflow, loanMonitoringProgressQuery } from './loan-monitoring.js';
