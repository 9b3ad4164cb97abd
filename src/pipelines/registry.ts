/**
 * Every pipeline the product runs. The API's `/runs/*` routes, the run-to-pipeline names and the worker's
 * activities are generated from this list: adding a pipeline is its folder, one line here and one export
 * in `workflows.ts` (the workflow sandbox's entry, which cannot import this file's I/O).
 */
import type { ComputeTask } from '../compute/task.js';
import type { AppConfig } from '../config.js';
import { championRegistry } from './champions/pipeline.js';
import { loanInferencePipeline } from './loan/inference/pipeline.js';
import { loanMonitoringPipeline } from './loan/monitoring/pipeline.js';
import { scoreGoldColumnsTask } from './loan/scoring-task.js';
import { fitLoanCandidateTask } from './loan/training/fit-task.js';
import { loanTrainingPipeline } from './loan/training/pipeline.js';
import type { PipelineDefinition } from './pipeline.js';
import { fitSegmentationKTask } from './segmentation/fit-task.js';
import { segmentationPipeline } from './segmentation/pipeline.js';

export const PIPELINES = [segmentationPipeline, loanTrainingPipeline, loanInferencePipeline, loanMonitoringPipeline];

type Registered = (typeof PIPELINES)[number];
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
/** Every activity of every pipeline, and of the champion registry (a workflow, not a pipeline), by name. */
export type AllActivities = UnionToIntersection<ReturnType<Registered['activities']>> &
  ReturnType<typeof championRegistry.activities>;

/** The CPU work the pipelines hand to the compute pool (a worker loads these modules into its threads at start). */
export const COMPUTE_TASKS: readonly ComputeTask<never, unknown>[] = [
  fitSegmentationKTask,
  fitLoanCandidateTask,
  scoreGoldColumnsTask,
];

/** Every activity the worker hosts, bound to the configured folders. */
export function createActivities(config: AppConfig): AllActivities {
  return Object.assign(
    {},
    ...PIPELINES.map((pipeline) => pipeline.activities(config)),
    championRegistry.activities(config),
  ) as AllActivities;
}

/** The pipeline a workflow type belongs to (a run's type is its workflow function's name). */
export function pipelineOfWorkflowType(workflowType: string): PipelineDefinition | undefined {
  return (PIPELINES as PipelineDefinition[]).find((pipeline) => pipeline.workflow.name === workflowType);
}
