import { createSegmentationActivities } from './activities.js';
import { SEGMENTATION_PIPELINE } from './config.js';
import { describeSegmentationRun, SegmentationRequest } from './contract.js';
import { validateSegmentationInput } from './validate.js';
import { segmentationWorkflow } from './workflows.js';
import { definePipeline } from '../pipeline.js';

export const segmentationPipeline = definePipeline({
  name: SEGMENTATION_PIPELINE,
  summary: 'Start a customer-segmentation run (K-Means or GMM over a k range, elbow-selected)',
  request: SegmentationRequest,
  workflow: segmentationWorkflow,
  // Validated against the files first: bad input is a 400 and starts nothing.
  precheck: async (config, request) => (await validateSegmentationInput(config.dataDir, request)).input,
  describe: describeSegmentationRun,
  activities: createSegmentationActivities,
});
