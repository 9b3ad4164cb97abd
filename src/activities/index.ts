import type { AppConfig } from '../config.js';
import { createLoanInferenceActivities } from './loan-inference.js';
import { createLoanMonitoringActivities } from './loan-monitoring.js';
import { createLoanTrainingActivities } from './loan-training.js';
import { createSegmentationActivities } from './segmentation.js';

/** Every activity the worker hosts, bound to the configured folders. */
export function createActivities(config: AppConfig) {
  return {
    ...createSegmentationActivities(config),
    ...createLoanTrainingActivities(config),
    ...createLoanInferenceActivities(config),
    ...createLoanMonitoringActivities(config),
  };
}
