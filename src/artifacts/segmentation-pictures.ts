/**
 * The elbow curve and cluster map of a completed segmentation run, rendered on first request and cached in
 * the run's workspace. A completed run's curve, clean rows, scaler and model never change, so the cache
 * never goes stale, and the cluster map (read every row, scale, assign: most of a second on the 9k-row
 * sample) is paid once instead of on every GET. Written atomically: concurrent first requests each write
 * the same bytes and readers never see half a PNG.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { predictGmm } from '../ml/gmm.js';
import { predictKMeans } from '../ml/kmeans.js';
import { transformMinMax, type MinMaxScaler } from '../ml/minmax-scaler.js';
import { renderClusterMapPng, renderElbowPng, type ClusterMapInput } from '../pipelines/segmentation/charts.js';
import type { SegmentationResult } from '../pipelines/segmentation/contract.js';
import type { SegmentationModel } from '../pipelines/segmentation/model.js';
import { formatCount } from '../charts/svg.js';
import { writeFileAtomic } from '../storage/atomic-file.js';
import { sqlString, withDuckDb } from '../storage/duckdb.js';
import { loadModel, ModelNotFoundError } from '../storage/model-store.js';
import { sqlIdentifier } from '../storage/sql.js';

/** Bumped when the pictures' drawing changes, so caches of the old drawing are not served. */
const PICTURE_VERSION = 1;
/** Beyond this many rows the cluster map plots every n-th row: more dots only overdraw and slow rasterising. */
export const MAX_CLUSTER_MAP_POINTS = 20_000;

export const cachedPicturePath = (workDir: string, name: 'elbow' | 'clusters'): string =>
  join(workDir, `${name}.v${PICTURE_VERSION}.png`);

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    (info) => info.isFile(),
    () => false,
  );

/** One render per file at a time in this process; later callers wait for it. */
const inFlight = new Map<string, Promise<void>>();

async function cached(path: string, render: () => Promise<Buffer>): Promise<string> {
  if (await exists(path)) return path;
  let pending = inFlight.get(path);
  if (!pending) {
    pending = render()
      .then((png) => writeFileAtomic(path, png))
      .finally(() => inFlight.delete(path));
    inFlight.set(path, pending);
  }
  await pending;
  return path;
}

export interface SegmentationRunRef {
  runId: string;
  workDir: string;
  result: SegmentationResult;
}

const algorithmName = (metric: SegmentationResult['metric']): string => (metric === 'sse' ? 'K-Means' : 'GMM');

export function elbowPicture(run: SegmentationRunRef): Promise<string> {
  const { result } = run;
  const ks = result.curve.map((p) => p.k);
  return cached(cachedPicturePath(run.workDir, 'elbow'), () =>
    Promise.resolve(
      renderElbowPng({
        title: `Elbow curve · ${algorithmName(result.metric)}, k = ${Math.min(...ks)}..${Math.max(...ks)}`,
        subtitle: `run ${run.runId} · model ${result.modelId}`,
        metric: result.metric,
        curve: result.curve,
        optimalK: result.optimalK,
        elbowFound: result.elbowFound,
      }),
    ),
  );
}

/** The clean rows (model.features order, row order), as the sweep read them. */
async function readCleanRows(cleanPath: string, features: readonly string[]): Promise<number[][]> {
  return withDuckDb(async (conn) => {
    const columns = features.map((f) => `CAST(${sqlIdentifier(f)} AS DOUBLE)`).join(', ');
    const reader = await conn.runAndReadAll(
      `SELECT ${columns} FROM read_parquet(${sqlString(cleanPath)}) ORDER BY row_index`,
    );
    return reader.getRows().map((row) => row.map(Number));
  });
}

/** The clean rows scaled with the run's saved scaler and assigned with its saved model; undefined if any is gone. */
export async function clusterMapInput(
  run: SegmentationRunRef,
  modelStoreDir: string,
): Promise<ClusterMapInput | undefined> {
  const cleanPath = join(run.workDir, 'clean.parquet');
  const scalerPath = join(run.workDir, 'scaler.json');
  if (!(await exists(cleanPath)) || !(await exists(scalerPath))) return undefined;
  const artifact = await loadModel<SegmentationModel>(modelStoreDir, run.result.modelId).catch((err: unknown) => {
    if (err instanceof ModelNotFoundError) return undefined;
    throw err;
  });
  if (!artifact) return undefined;
  const { model } = artifact;
  const scaler = JSON.parse(await readFile(scalerPath, 'utf8')) as MinMaxScaler;
  const scaled = transformMinMax(scaler, await readCleanRows(cleanPath, model.features));
  let labels: number[];
  let centres: number[][];
  if (model.algorithm === 'kmeans') {
    if (!model.centroids) throw new Error(`Model ${artifact.modelId} has no centroids`);
    labels = predictKMeans(model.centroids, scaled);
    centres = model.centroids;
  } else {
    if (!model.gmm) throw new Error(`Model ${artifact.modelId} has no mixture parameters`);
    labels = predictGmm(model.gmm, scaled);
    centres = model.gmm.means;
  }
  const every = Math.max(1, Math.ceil(scaled.length / MAX_CLUSTER_MAP_POINTS));
  const twoD = model.features.length >= 2;
  const points = scaled
    .map((row, i) => ({ x: row[0], y: twoD ? row[1] : i, cluster: labels[i] }))
    .filter((_, i) => i % every === 0);
  const sampled = every > 1 ? `, every ${every}th shown` : '';
  return {
    title: `Cluster map · ${algorithmName(run.result.metric)}, k = ${model.k} · ${formatCount(scaled.length)} training rows${sampled}`,
    subtitle: `run ${run.runId} · model ${artifact.modelId}`,
    axes: twoD ? [model.features[0], model.features[1]] : [model.features[0]],
    points,
    k: model.k,
    centres: centres.map((centre, cluster) => ({ cluster, x: centre[0], y: centre[1] ?? 0 })),
  };
}

/** The cached cluster map's path, or undefined when the run's workspace or model is gone. */
export async function clusterMapPicture(run: SegmentationRunRef, modelStoreDir: string): Promise<string | undefined> {
  const path = cachedPicturePath(run.workDir, 'clusters');
  if (await exists(path)) return path;
  const input = await clusterMapInput(run, modelStoreDir);
  if (!input) return undefined;
  return cached(path, () => Promise.resolve(renderClusterMapPng(input)));
}
