/**
 * What each pipeline's completed run can serve, derived only from that run's own result: the names are
 * fixed here per pipeline, and each maps to a path the run itself recorded (or to a picture rendered from
 * it). A request picks a name from this list; it never supplies a path.
 */
import { dirname, join } from 'node:path';
import type { AppConfig } from '../config.js';
import { LOAN_PIPELINES } from '../pipelines/loan/config.js';
import { SEGMENTATION_PIPELINE } from '../pipelines/segmentation/config.js';
import type { SegmentationResult } from '../pipelines/segmentation/contract.js';
import { runWorkspace } from '../storage/run-workspace.js';
import { clusterMapPicture, elbowPicture } from './segmentation-pictures.js';

export type ArtifactKind = 'png' | 'parquet';

export interface ArtifactEntry {
  /** The artifact's fixed name, as in `GET /runs/:runId/artifacts/:name`. */
  name: string;
  kind: ArtifactKind;
  description: string;
  /** The file's path (rendering a picture first if needed); undefined when it cannot be produced any more. */
  locate(): Promise<string | undefined>;
}

/** A path the result recorded, if it is one (results are untyped on the way back from Temporal). */
function recordedPath(result: unknown, key: string): string | undefined {
  const value = (result as Record<string, unknown> | null)?.[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function file(name: string, kind: ArtifactKind, description: string, path: string | undefined): ArtifactEntry[] {
  return path ? [{ name, kind, description, locate: () => Promise.resolve(path) }] : [];
}

function isSegmentationResult(result: unknown): result is SegmentationResult {
  const r = result as Partial<SegmentationResult> | null;
  return Array.isArray(r?.curve) && typeof r?.optimalK === 'number' && typeof r?.modelId === 'string';
}

function segmentationArtifacts(config: Pick<AppConfig, 'runsDir' | 'modelStoreDir'>, runId: string, result: unknown) {
  if (!isSegmentationResult(result)) return [];
  const run = { runId, result, workDir: runWorkspace(config.runsDir, runId) };
  return [
    {
      name: 'elbow.png',
      kind: 'png' as const,
      description: 'The k sweep (SSE or BIC) with the chosen k marked',
      locate: () => elbowPicture(run),
    },
    {
      name: 'clusters.png',
      kind: 'png' as const,
      description: 'The scaled training rows on their first two features, coloured by assigned cluster',
      locate: () => clusterMapPicture(run, config.modelStoreDir),
    },
    ...file(
      'test-predictions.parquet',
      'parquet',
      'Every test row: row_index, cluster, probabilities (GMM)',
      result.testPredictionsPath,
    ),
  ];
}

function monitoringArtifacts(result: unknown): ArtifactEntry[] {
  const metricsPath = recordedPath(result, 'metricsPath');
  return [
    ...file('dashboard.png', 'png', 'The six-chart monitoring dashboard', recordedPath(result, 'dashboardPath')),
    ...file('metrics.parquet', 'parquet', 'Per-month AUC, precision, recall, F1 and score PSI', metricsPath),
    // The monitoring activity writes the per-feature PSI table beside the metrics; the result names only the folder's metrics file.
    ...file(
      'feature_psi.parquet',
      'parquet',
      'PSI per feature for the evaluated month',
      metricsPath && join(dirname(metricsPath), 'feature_psi.parquet'),
    ),
  ];
}

/** The artifacts of a completed run of `pipeline` (a registry name), in a stable order; none for other pipelines. */
export function artifactCatalogue(
  config: Pick<AppConfig, 'runsDir' | 'modelStoreDir'>,
  run: { runId: string; pipeline: string; result: unknown },
): ArtifactEntry[] {
  switch (run.pipeline) {
    case SEGMENTATION_PIPELINE:
      return segmentationArtifacts(config, run.runId, run.result);
    case LOAN_PIPELINES.inference:
      return file(
        'predictions.parquet',
        'parquet',
        'The month’s predictions: Customer_ID, loan_id, snapshot_date, prediction, prediction_proba, actual_label, model_id',
        recordedPath(run.result, 'predictionsPath'),
      );
    case LOAN_PIPELINES.monitoring:
      return monitoringArtifacts(run.result);
    default:
      // Training publishes a model (GET /models/:modelId), not files.
      return [];
  }
}
