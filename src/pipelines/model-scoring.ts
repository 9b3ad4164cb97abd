/** Scoring raw rows with any stored model: each model family scores with its own pipeline's code. */
import type { ModelArtifact, ModelPipeline } from '../storage/model-store.js';
import { scoreLoanApplicants } from './loan/applicants.js';
import type { LoanModelArtifact } from './loan/model.js';
import { scoreSegmentationRows, type SegmentationModel } from './segmentation/model.js';

const SCORERS: Record<ModelPipeline, (artifact: ModelArtifact, rows: Record<string, unknown>[]) => object> = {
  segmentation: (artifact, rows) => scoreSegmentationRows(artifact as ModelArtifact<SegmentationModel>, rows),
  loan: (artifact, rows) => scoreLoanApplicants(artifact as LoanModelArtifact, rows),
};

export function scoreRows(artifact: ModelArtifact, rows: Record<string, unknown>[]): object {
  return SCORERS[artifact.pipeline](artifact, rows);
}
