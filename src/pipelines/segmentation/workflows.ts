import {
  CancellationScope,
  defineQuery,
  isCancellation,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { heartbeatingWork, quickSteps, summarisedActivities } from '../../temporal/activity-options.js';
import { ML_MODEL_ID } from '../../temporal/search-attributes.js';
import { innermostMessage, runStamp } from '../../temporal/workflow-context.js';
import type { SegmentationActivities } from './activities.js';
import { chunkKs, segmentationModelId } from './config.js';
import type {
  CurvePoint,
  SegmentationInput,
  SegmentationProgress,
  SegmentationResult,
  TestPrediction,
} from './contract.js';

export const segmentationProgressQuery = defineQuery<SegmentationProgress>('progress');

/** I/O-bound steps: quick, retried a few times with backoff. */
const io = summarisedActivities<SegmentationActivities>(quickSteps('2 minutes'));
/** CPU-bound fits heartbeat every k: a dead worker is noticed in a minute, a cancel stops between k values. */
const fits = summarisedActivities<SegmentationActivities>(heartbeatingWork('30 minutes', '1 minute'));

/** Customer segmentation: load → preprocess → fit every k → elbow → final model → predict test rows. */
export async function segmentationWorkflow(request: SegmentationInput): Promise<SegmentationResult> {
  const progress: SegmentationProgress = { stage: 'loading', kDone: 0, kTotal: 0 };
  setHandler(segmentationProgressQuery, () => progress);
  try {
    setCurrentDetails(`Loading \`${request.dataset}\``);
    const loaded = await io(`load ${request.dataset}`).loadSegmentationData(request);
    const { input } = loaded;
    progress.kTotal = input.kMax - input.kMin + 1;
    const name = input.algorithm === 'kmeans' ? 'K-Means' : 'GMM';

    progress.stage = 'preprocessing';
    setCurrentDetails(`Preprocessing ${loaded.rows} rows of \`${input.dataset}\``);
    const prepared = await io(`scale ${input.features.join(', ')} of ${input.dataset}`).preprocessSegmentationData({
      inputPath: loaded.inputPath,
      workDir: loaded.workDir,
      features: input.features,
      kMax: input.kMax,
    });

    progress.stage = 'fitting';
    const curve: CurvePoint[] = [];
    for (const ks of chunkKs(input.kMin, input.kMax)) {
      const range = ks.length === 1 ? `k=${ks[0]}` : `k=${ks[0]}..${ks[ks.length - 1]}`;
      setCurrentDetails(`Fitting ${name} ${range} (${curve.length} of ${progress.kTotal} k done)`);
      const points = await fits(`${name} ${range} on ${input.dataset}`).fitSegmentationSweep({
        cleanPath: prepared.cleanPath,
        scalerPath: prepared.scalerPath,
        features: input.features,
        algorithm: input.algorithm,
        ks,
        nInit: input.nInit,
        seed: input.seed,
      });
      curve.push(...points);
      progress.kDone = curve.length;
    }

    progress.stage = 'selecting-k';
    setCurrentDetails(`Selecting k (Kneedle) over k=${input.kMin}..${input.kMax}`);
    const { optimalK, elbowFound } = await io(`elbow over k=${input.kMin}..${input.kMax}`).selectOptimalK({ curve });

    progress.stage = 'fitting-final-model';
    const plannedModelId = segmentationModelId(input.algorithm, runStamp());
    setCurrentDetails(`Fitting the final ${name} model, k=${optimalK}`);
    const { modelId, clusterSizes } = await fits(
      `final ${name} k=${optimalK} → ${plannedModelId}`,
    ).fitFinalSegmentationModel({
      cleanPath: prepared.cleanPath,
      scalerPath: prepared.scalerPath,
      features: input.features,
      algorithm: input.algorithm,
      nInit: input.nInit,
      seed: input.seed,
      modelId: plannedModelId,
      k: optimalK,
      curve,
      dataset: input.dataset,
      fingerprint: loaded.fingerprint,
      droppedRows: prepared.droppedRows,
    });
    upsertSearchAttributes([{ key: ML_MODEL_ID, value: modelId }]);
    upsertMemo({ result: { optimalK, elbowFound, modelId } });

    let testPredictions: TestPrediction[] = [];
    let testPredictionsPath: string | undefined;
    const { testInputPath } = loaded;
    if (testInputPath) {
      progress.stage = 'predicting';
      setCurrentDetails(`Assigning the test rows of \`${input.testDataset ?? ''}\` with \`${modelId}\``);
      // The model is published: a cancellation from here on is too late, and the run completes.
      const predicted = await CancellationScope.nonCancellable(() =>
        io(`assign ${input.testDataset ?? 'test rows'} with ${modelId}`).predictSegmentationTestRows({
          modelId,
          testInputPath,
          workDir: loaded.workDir,
        }),
      );
      testPredictions = predicted.predictions;
      testPredictionsPath = predicted.path;
    }

    progress.stage = 'completed';
    setCurrentDetails(`Done: k=${optimalK}${elbowFound ? '' : ' (no elbow)'}, model \`${modelId}\``);
    return {
      optimalK,
      elbowFound,
      metric: input.algorithm === 'kmeans' ? 'sse' : 'bic',
      curve: curve.map(({ k, score }) => ({ k, score })),
      modelId,
      clusterSizes,
      rows: prepared.rows,
      droppedRows: prepared.droppedRows,
      testPredictions,
      ...(testPredictionsPath ? { testPredictionsPath } : {}),
    };
  } catch (err) {
    progress.stage = isCancellation(err) ? 'cancelled' : 'failed';
    progress.message = innermostMessage(err);
    setCurrentDetails(`${progress.stage}: ${progress.message}`);
    throw err;
  }
}
