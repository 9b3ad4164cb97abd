import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  cachedPicturePath,
  clusterMapInput,
  clusterMapPicture,
  elbowPicture,
  type SegmentationRunRef,
} from '../../src/artifacts/segmentation-pictures.js';
import { fitMinMaxScaler } from '../../src/ml/minmax-scaler.js';
import { buildClusterMapSvg, buildElbowSvg, clusterColor } from '../../src/pipelines/segmentation/charts.js';
import type { SegmentationResult } from '../../src/pipelines/segmentation/contract.js';
import type { SegmentationModel } from '../../src/pipelines/segmentation/model.js';
import { writeJsonAtomic } from '../../src/storage/atomic-file.js';
import { withDuckDb } from '../../src/storage/duckdb.js';
import { saveModel } from '../../src/storage/model-store.js';
import { writeRowsAsParquet } from '../../src/storage/parquet.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const count = (svg: string, needle: string): number => svg.split(needle).length - 1;

/** Two tight groups of raw rows: around (10, 100) and (20, 300). */
const RAW = [
  [10, 100],
  [11, 110],
  [9, 90],
  [20, 300],
  [21, 310],
  [19, 290],
];

describe('segmentation pictures', () => {
  let root: string;
  let run: SegmentationRunRef;
  let modelStoreDir: string;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'segmentation-pictures-'));
    modelStoreDir = join(root, 'models');
    const workDir = join(root, 'runs', 'segmentation-test');
    const scaler = fitMinMaxScaler(RAW);
    await writeJsonAtomic(join(workDir, 'scaler.json'), scaler);
    await withDuckDb((conn) =>
      writeRowsAsParquet(
        conn,
        RAW.map(([income, score], i) => ({ row_index: i, income, score })),
        { row_index: 'BIGINT', income: 'DOUBLE', score: 'DOUBLE' },
        join(workDir, 'clean.parquet'),
      ),
    );
    const model: SegmentationModel = {
      algorithm: 'kmeans',
      features: ['income', 'score'],
      k: 2,
      scaler,
      centroids: [
        [0.9, 0.9],
        [0.1, 0.1],
      ],
    };
    await saveModel(modelStoreDir, {
      modelId: 'segmentation-kmeans-test',
      pipeline: 'segmentation',
      algorithm: 'kmeans',
      createdAt: new Date(0).toISOString(),
      params: {},
      metrics: {},
      lineage: { workflowId: 'segmentation-test', runId: 'r', dataFingerprints: {} },
      model,
    });
    const result: SegmentationResult = {
      optimalK: 2,
      elbowFound: true,
      metric: 'sse',
      curve: [
        { k: 1, score: 40 },
        { k: 2, score: 4 },
        { k: 3, score: 3 },
      ],
      modelId: 'segmentation-kmeans-test',
      clusterSizes: [3, 3],
      rows: 6,
      droppedRows: 0,
      testPredictions: [],
    };
    run = { runId: 'segmentation-test', workDir, result };
  });

  after(() => rm(root, { recursive: true, force: true }));

  it('maps the clean rows scaled with the saved scaler and assigned with the saved model', async () => {
    const input = await clusterMapInput(run, modelStoreDir);
    assert.ok(input);
    assert.deepEqual(input.axes, ['income', 'score']);
    assert.equal(input.points.length, 6);
    assert.deepEqual(
      input.points.map((p) => p.cluster),
      [1, 1, 1, 0, 0, 0],
    );
    // x * scale + offset, as scikit-learn computes it: the extremes land on 0 and 1 to the last bit or two.
    const near = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-12, `${actual}`);
    near(input.points[2].x, 0);
    near(input.points[2].y, 0);
    near(input.points[4].x, 1);
    near(input.points[4].y, 1);
    assert.deepEqual(input.centres?.[0], { cluster: 0, x: 0.9, y: 0.9 });
  });

  it('renders the cluster map once into the run workspace and serves the cache afterwards', async () => {
    const path = await clusterMapPicture(run, modelStoreDir);
    assert.equal(path, cachedPicturePath(run.workDir, 'clusters'));
    const png = await readFile(path);
    assert.ok(png.subarray(0, 8).equals(PNG_SIGNATURE));
    const firstWrite = (await stat(path)).mtimeMs;
    // The model store can vanish now: a cached picture no longer needs it.
    assert.equal(await clusterMapPicture(run, join(root, 'no-models')), path);
    assert.equal((await stat(path)).mtimeMs, firstWrite);
  });

  it('has no cluster map when the workspace or the model is gone', async () => {
    const noWorkspace = { ...run, workDir: join(root, 'runs', 'gone') };
    assert.equal(await clusterMapPicture(noWorkspace, modelStoreDir), undefined);
    const otherModel = {
      ...run,
      workDir: join(root, 'runs', 'segmentation-test'),
      result: { ...run.result, modelId: 'nope' },
    };
    assert.equal(await clusterMapInput(otherModel, modelStoreDir), undefined);
  });

  it('renders the elbow picture as a PNG in the workspace', async () => {
    const path = await elbowPicture(run);
    assert.equal(path, cachedPicturePath(run.workDir, 'elbow'));
    assert.ok((await readFile(path)).subarray(0, 8).equals(PNG_SIGNATURE));
  });

  it('marks the chosen k on the elbow curve, and says when no elbow was found', () => {
    const svg = buildElbowSvg({ title: 't', subtitle: 's', ...run.result });
    assert.match(svg, /Chosen k = 2 \(elbow\)/);
    assert.equal(count(svg, 'stroke-width="3"'), 1, 'one highlighted point');
    assert.match(svg, /data-series="Chosen k"/);
    const noElbow = buildElbowSvg({ title: 't', subtitle: 's', ...run.result, optimalK: 1, elbowFound: false });
    assert.match(noElbow, /Chosen k = 1 \(no elbow: smallest k\)/);
    assert.match(buildElbowSvg({ title: 't', subtitle: 's', ...run.result, curve: [] }), /No curve/);
  });

  it('colours the cluster map by cluster and lists each cluster with its size', () => {
    const svg = buildClusterMapSvg({
      title: 't',
      subtitle: 's',
      axes: ['income', 'score'],
      k: 2,
      points: [
        { x: 0.1, y: 0.1, cluster: 0 },
        { x: 0.2, y: 0.1, cluster: 0 },
        { x: 0.9, y: 0.9, cluster: 1 },
      ],
      centres: [{ cluster: 0, x: 0.15, y: 0.1 }],
    });
    assert.match(svg, new RegExp(`data-group="Cluster 0" fill="${clusterColor(0)}"`));
    assert.match(svg, new RegExp(`data-group="Cluster 1" fill="${clusterColor(1)}"`));
    assert.match(svg, /Cluster 0 \(2\)/);
    assert.match(svg, /Cluster 1 \(1\)/);
    assert.equal(count(svg, 'class="scatter-mark"'), 1);
    assert.notEqual(clusterColor(0), clusterColor(1));
    assert.equal(clusterColor(10), clusterColor(0), 'the palette cycles');
  });
});
