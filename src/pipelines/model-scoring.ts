/** Scoring raw rows with any stored model: each model family scores with its own pipeline's code. */
import type { ModelArtifact, ModelPipeline } from '../storage/model-store.js';
import { scoreLoanApplicants } from './loan/applicants.js';
import type { LoanModelArtifact } from './loan/model.js';
import { scoringInputOf, type ScoringBody, type ScoringInput } from './scoring-input.js';
import { scoreSegmentationRows, type SegmentationModel } from './segmentation/model.js';

const SCORERS: Record<ModelPipeline, (artifact: ModelArtifact, input: ScoringInput) => object> = {
  segmentation: (artifact, input) => scoreSegmentationRows(artifact as ModelArtifact<SegmentationModel>, input),
  loan: (artifact, input) => scoreLoanApplicants(artifact as LoanModelArtifact, input),
};

/** Scores a predict request's body (`rows` or `columns`); bad input is a DataValidationError naming row or column. */
export function scoreRows(artifact: ModelArtifact, body: ScoringBody): object {
  return SCORERS[artifact.pipeline](artifact, scoringInputOf(body));
}
