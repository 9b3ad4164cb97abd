import { join } from 'node:path';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { fitKMeans, predictKMeans } from '../../src/ml/kmeans.js';
import { findKnee } from '../../src/ml/kneedle.js';
import { fitMinMaxScaler, transformMinMax } from '../../src/ml/minmax-scaler.js';
import { FIXTURES_DIR, REAL_DATA, skipUnlessRealData } from '../support/paths.js';

interface SweepReference {
  k: number[];
  /** scikit-learn KMeans(n_init=10) SSE per k: median, min and max over random_state 0..9. */
  sseMedian: number[];
  sseMin: number[];
  sseMax: number[];
  kneePerSeed: (number | null)[];
  kneeOfMedian: number | null;
}

interface Reference {
  kmeans: {
    blobs: {
      rows: number[][];
      k3: { inertia: number; centroids: number[][]; labels: number[] };
      sweep: SweepReference;
    };
  };
  mall: { features: string[]; kmeans: SweepReference } | null;
}

const reference = JSON.parse(readFileSync(join(FIXTURES_DIR, 'segmentation-reference.json'), 'utf8')) as Reference;
const MALL_CSV = REAL_DATA.mallCustomers;
// "No worse than scikit-learn": equal up to floating-point noise in the SSE sum.
const SSE_RELATIVE_TOLERANCE = 1e-9;

/** Annual Income and Spending Score of the Mall customers, min-max scaled. */
function mallRows(): number[][] {
  const [header, ...lines] = readFileSync(MALL_CSV, 'utf8').trim().split(/\r?\n/);
  const columns = header.split(',');
  const picked = ['Annual Income (k$)', 'Spending Score (1-100)'].map((name) => columns.indexOf(name));
  const raw = lines.map((line) => {
    const cells = line.split(',');
    return picked.map((index) => Number(cells[index]));
  });
  return transformMinMax(fitMinMaxScaler(raw), raw);
}

function mode(values: (number | null)[]): number | null {
  const counts = new Map<number | null, number>();
  values.forEach((v) => counts.set(v, (counts.get(v) ?? 0) + 1));
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
}

/** True when the two labelings are the same partition, whatever the cluster numbering. */
function samePartition(a: number[], b: number[]): boolean {
  const mapping = new Map<number, number>();
  const used = new Set<number>();
  return a.every((label, i) => {
    const mapped = mapping.get(label);
    if (mapped !== undefined) return mapped === b[i];
    if (used.has(b[i])) return false;
    mapping.set(label, b[i]);
    used.add(b[i]);
    return true;
  });
}

function totalSumOfSquares(rows: number[][]): number {
  const mean = rows[0].map((_, j) => rows.reduce((sum, row) => sum + row[j], 0) / rows.length);
  return rows.reduce((sum, row) => sum + row.reduce((s, v, j) => s + (v - mean[j]) ** 2, 0), 0);
}

function assertNoWorseThanMedian(sse: number[], sweep: SweepReference): void {
  const worse = sse
    .map((value, i) => ({ k: sweep.k[i], value, median: sweep.sseMedian[i] }))
    .filter(({ value, median }) => value > median * (1 + SSE_RELATIVE_TOLERANCE))
    .map(({ k, value, median }) => `k=${k}: ${value} > ${median}`);
  assert.deepEqual(worse, []);
}

void describe('fitKMeans', () => {
  const blobs = reference.kmeans.blobs;

  void it('finds scikit-learn’s clustering of well-separated blobs', () => {
    const fit = fitKMeans(blobs.rows, 3, { seed: 0 });
    assert.ok(Math.abs(fit.inertia - blobs.k3.inertia) <= 1e-9 * blobs.k3.inertia, `${fit.inertia}`);
    assert.ok(samePartition(fit.labels, blobs.k3.labels), 'same partition as scikit-learn');
    for (const centroid of blobs.k3.centroids) {
      const nearest = Math.min(...fit.centroids.map((c) => Math.hypot(c[0] - centroid[0], c[1] - centroid[1])));
      assert.ok(nearest < 1e-9, `centroid ${centroid.join(',')} off by ${nearest}`);
    }
  });

  void it('is no worse than the median scikit-learn SSE on blobs for k = 1..8', () => {
    const sse = blobs.sweep.k.map((k) => fitKMeans(blobs.rows, k, { nInit: 10, seed: 0 }).inertia);
    assertNoWorseThanMedian(sse, blobs.sweep);
    assert.equal(findKnee(blobs.sweep.k, sse).knee, blobs.sweep.kneeOfMedian);
  });

  void it('plain Lloyd (no Hartigan, no swaps) stays within scikit-learn’s range on blobs', () => {
    blobs.sweep.k.forEach((k, i) => {
      const fit = fitKMeans(blobs.rows, k, { nInit: 10, seed: 0, hartiganRefinement: false, swapTrials: 0 });
      assert.ok(fit.inertia >= blobs.sweep.sseMin[i] * (1 - 1e-9), `k=${k} below scikit-learn's best`);
      assert.ok(fit.inertia <= blobs.sweep.sseMax[i] * 1.1, `k=${k}: ${fit.inertia} vs max ${blobs.sweep.sseMax[i]}`);
    });
  });

  void it('k = 1 puts the centroid on the mean; k = n gives zero SSE', () => {
    const single = fitKMeans(blobs.rows, 1);
    assert.ok(Math.abs(single.inertia - totalSumOfSquares(blobs.rows)) < 1e-9);
    assert.ok(single.labels.every((label) => label === 0));
    const n = blobs.rows.length;
    const everyRow = fitKMeans(blobs.rows, n, { nInit: 2 });
    assert.ok(everyRow.inertia < 1e-20, `${everyRow.inertia}`);
    assert.equal(new Set(everyRow.labels).size, n);
  });

  void it('survives more clusters than distinct rows', () => {
    const rows = [
      [0, 0],
      [0, 0],
      [0, 0],
      [1, 1],
      [1, 1],
    ];
    const fit = fitKMeans(rows, 4);
    assert.equal(fit.inertia, 0);
    assert.equal(fit.centroids.length, 4);
  });

  void it('is deterministic for a seed and predicts its own labels', () => {
    const a = fitKMeans(blobs.rows, 5, { seed: 7 });
    const b = fitKMeans(blobs.rows, 5, { seed: 7 });
    assert.deepEqual(a, b);
    assert.deepEqual(predictKMeans(a.centroids, blobs.rows), a.labels);
    assert.deepEqual(JSON.parse(JSON.stringify(a)), a, 'plain JSON');
  });

  void it('rejects invalid k and input', () => {
    assert.throws(() => fitKMeans(blobs.rows, blobs.rows.length + 1), /must not exceed the number of rows/);
    assert.throws(() => fitKMeans(blobs.rows, 0), RangeError);
    assert.throws(() => fitKMeans(blobs.rows, 2.5), RangeError);
    assert.throws(() => fitKMeans([], 1), RangeError);
    assert.throws(() => fitKMeans([[1, 2], [3]], 1), RangeError);
    assert.throws(() => fitKMeans(blobs.rows, 2, { nInit: 0 }), RangeError);
    assert.throws(() => predictKMeans([[0, 0]], [[1, 2, 3]]), RangeError);
  });

  void it(
    'Mall customers, k = 1..50: SSE no worse than scikit-learn’s median, same elbow',
    { skip: skipUnlessRealData(REAL_DATA.mallCustomers) },
    () => {
      const mall = reference.mall;
      assert.ok(mall, 'the fixture holds scikit-learn reference numbers for the Mall data');
      const rows = mallRows();
      assert.equal(rows.length, 200);
      const sse = mall.kmeans.k.map((k) => fitKMeans(rows, k, { nInit: 10, seed: 0 }).inertia);
      assertNoWorseThanMedian(sse, mall.kmeans);
      // scikit-learn's elbow moves with its seed (its SSE at k = 6..8 varies by a few percent); ours must be the
      // one it picks most often.
      const knee = findKnee(mall.kmeans.k, sse).knee;
      assert.ok(mall.kmeans.kneePerSeed.includes(knee), `knee ${knee}`);
      assert.equal(knee, mode(mall.kmeans.kneePerSeed));
    },
  );
});
