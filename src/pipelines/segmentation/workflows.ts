import {
  defineQuery,
  isCancellation,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { heartbeatingWork, summarisedActivities } from '../../temporal/activity-options.js';
import { ML_MODEL_ID } from '../../temporal/search-attributes.js';
import { innermostMessage, runStamp } from '../../temporal/workflow-context.js';
import type { SegmentationActivities } from './activities.js';
import { kRange, segmentationModelId, sweepChunks, SWEEP_CONCURRENCY } from './config.js';
import type { CurvePoint, SegmentationInput, SegmentationProgress, SegmentationResult } from './contract.js';

export const segmentationProgressQuery = defineQuery<SegmentationProgress>('progress');

/**
 * Every step heartbeats (the worker's interceptor; a lost worker is noticed in half a minute); a cancel stops a
 * sweep between k values (the fit's thread is terminated) and the publish step before it saves anything.
 */
const steps = summarisedActivities<SegmentationActivities>(heartbeatingWork('10 minutes'));
const fits = summarisedActivities<SegmentationActivities>(heartbeatingWork('30 minutes'));

/**
 * Customer segmentation: prepare (validate, clean, scale) → fit every k (chunks of about equal cost, several at
 * once on the worker's compute threads) → publish (Kneedle's elbow, the sweep's model at that k, test rows).
 */
export async function segmentationWorkflow(request: SegmentationInput): Promise<SegmentationResult> {
  const progress: SegmentationProgress = { stage: 'loading', kDone: 0, kTotal: 0 };
  setHandler(segmentationProgressQuery, () => progress);
  try {
    setCurrentDetails(`Loading and scaling \`${request.dataset}\``);
    const prepared = await steps(
      `load and scale ${request.features.join(', ')} of ${request.dataset}`,
    ).prepareSegmentationData(request);
    const { input } = prepared;
    progress.kTotal = input.kMax - input.kMin + 1;
    const name = input.algorithm === 'kmeans' ? 'K-Means' : 'GMM';

    progress.stage = 'fitting';
    const curve: CurvePoint[] = [];
    const pending = sweepChunks({ ...input, rows: prepared.rows });
    const describeSweep = () =>
      setCurrentDetails(
        `Fitting ${name} k=${input.kMin}..${input.kMax} (${curve.length} of ${progress.kTotal} k done)`,
      );
    describeSweep();
    // A few chunks in flight: the compute threads stay busy while a finished chunk's result travels back.
    const lane = async (): Promise<void> => {
      for (let ks = pending.shift(); ks; ks = pending.shift()) {
        const points = await fits(`${name} ${kRange(ks)} on ${input.dataset}`).fitSegmentationSweep({
          workDir: prepared.workDir,
          rows: prepared.rows,
          features: prepared.features,
          algorithm: input.algorithm,
          ks,
          nInit: input.nInit,
          seed: input.seed,
        });
        curve.push(...points);
        progress.kDone = curve.length;
        describeSweep();
      }
    };
    await Promise.all(Array.from({ length: SWEEP_CONCURRENCY }, lane));
    curve.sort((a, b) => a.k - b.k);

    progress.stage = 'publishing';
    const plannedModelId = segmentationModelId(input.algorithm, runStamp());
    setCurrentDetails(`Selecting k (Kneedle) and publishing \`${plannedModelId}\``);
    const published = await steps(
      `elbow of ${name} k=${input.kMin}..${input.kMax} → ${plannedModelId}`,
    ).publishSegmentationModel({
      workDir: prepared.workDir,
      modelId: plannedModelId,
      curve,
      algorithm: input.algorithm,
      features: input.features,
      nInit: input.nInit,
      seed: input.seed,
      dataset: input.dataset,
      fingerprint: prepared.fingerprint,
      rows: prepared.rows,
      droppedRows: prepared.droppedRows,
      ...(prepared.testInputPath ? { testInputPath: prepared.testInputPath } : {}),
    });
    const { optimalK, elbowFound, modelId } = published;
    upsertSearchAttributes([{ key: ML_MODEL_ID, value: modelId }]);
    upsertMemo({ result: { optimalK, elbowFound, modelId } });

    progress.stage = 'completed';
    setCurrentDetails(`Done: k=${optimalK}${elbowFound ? '' : ' (no elbow)'}, model \`${modelId}\``);
    return {
      optimalK,
      elbowFound,
      metric: input.algorithm === 'kmeans' ? 'sse' : 'bic',
      curve: curve.map(({ k, score }) => ({ k, score })),
      modelId,
      clusterSizes: published.clusterSizes,
      rows: prepared.rows,
      droppedRows: prepared.droppedRows,
      testPredictions: published.testPredictions,
      ...(published.testPredictionsPath ? { testPredictionsPath: published.testPredictionsPath } : {}),
    };
  } catch (err) {
    progress.stage = isCancellation(err) ? 'cancelled' : 'failed';
    progress.message = innermostMessage(err);
    setCurrentDetails(`${progress.stage}: ${progress.message}`);
    throw err;
  }
}
