import { defineQuery, proxyActivities, setHandler } from '@temporalio/workflow';
import { standardRetry } from '../../failures.js';
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
const io = proxyActivities<SegmentationActivities>({
  startToCloseTimeout: '2 minutes',
  retry: standardRetry,
});

/** CPU-bound fits: heartbeat every k, so a dead worker is noticed in a minute rather than at the timeout. */
const fits = proxyActivities<SegmentationActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  retry: standardRetry,
});

/** Customer segmentation: load → preprocess → fit every k → elbow → final model → predict test rows. */
export async function segmentationWorkflow(request: SegmentationInput): Promise<SegmentationResult> {
  const progress: SegmentationProgress = { stage: 'loading', kDone: 0, kTotal: 0 };
  setHandler(segmentationProgressQuery, () => progress);
  try {
    const loaded = await io.loadSegmentationData(request);
    const { input } = loaded;
    progress.kTotal = input.kMax - input.kMin + 1;

    progress.stage = 'preprocessing';
    const prepared = await io.preprocessSegmentationData({
      inputPath: loaded.inputPath,
      workDir: loaded.workDir,
      features: input.features,
      kMax: input.kMax,
    });

    progress.stage = 'fitting';
    const curve: CurvePoint[] = [];
    for (const ks of chunkKs(input.kMin, input.kMax)) {
      const points = await fits.fitSegmentationSweep({
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
    const { optimalK, elbowFound } = await io.selectOptimalK({ curve });

    progress.stage = 'fitting-final-model';
    const { modelId, clusterSizes } = await fits.fitFinalSegmentationModel({
      cleanPath: prepared.cleanPath,
      scalerPath: prepared.scalerPath,
      features: input.features,
      algorithm: input.algorithm,
      nInit: input.nInit,
      seed: input.seed,
      modelId: segmentationModelId(input.algorithm, runStamp()),
      k: optimalK,
      curve,
      dataset: input.dataset,
      fingerprint: loaded.fingerprint,
      droppedRows: prepared.droppedRows,
    });

    let testPredictions: TestPrediction[] = [];
    let testPredictionsPath: string | undefined;
    if (loaded.testInputPath) {
      progress.stage = 'predicting';
      const predicted = await io.predictSegmentationTestRows({
        modelId,
        testInputPath: loaded.testInputPath,
        workDir: loaded.workDir,
      });
      testPredictions = predicted.predictions;
      testPredictionsPath = predicted.path;
    }

    progress.stage = 'completed';
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
    progress.stage = 'failed';
    progress.message = innermostMessage(err);
    throw err;
  }
}
