import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  estimatedFitSeconds,
  kRange,
  MAX_SWEEP_CHUNKS,
  segmentationModelId,
  sweepChunks,
  type SweepPlanInput,
} from '../../../src/pipelines/segmentation/config.js';
import { MAX_K } from '../../../src/pipelines/segmentation/contract.js';

const range = (kMin: number, kMax: number): number[] => Array.from({ length: kMax - kMin + 1 }, (_, i) => kMin + i);

const mall = (kMin: number, kMax: number, nInit = 10): SweepPlanInput => ({
  algorithm: 'kmeans',
  kMin,
  kMax,
  nInit,
  rows: 200,
});
const creditCard = (kMin: number, kMax: number, nInit = 1): SweepPlanInput => ({
  algorithm: 'gmm',
  kMin,
  kMax,
  nInit,
  rows: 8950,
});

/** The sweep's contract: every k of the range exactly once, in order, in at most MAX_SWEEP_CHUNKS non-empty chunks. */
function assertPartition(plan: SweepPlanInput): number[][] {
  const out = sweepChunks(plan);
  const label = `sweepChunks(${JSON.stringify(plan)}) = ${JSON.stringify(out)}`;
  assert.deepEqual(out.flat(), range(plan.kMin, plan.kMax), `${label}: every k once, in order`);
  assert.ok(out.length <= MAX_SWEEP_CHUNKS, `${label}: at most ${MAX_SWEEP_CHUNKS} chunks`);
  assert.ok(
    out.every((chunk) => chunk.length > 0),
    `${label}: no empty chunk`,
  );
  if (plan.kMax > plan.kMin) assert.ok(out.length >= 2, `${label}: two ks or more make two chunks (both cores work)`);
  return out;
}

const chunkCost = (plan: SweepPlanInput, chunk: number[]): number =>
  chunk.reduce((sum, k) => sum + estimatedFitSeconds(plan, k), 0);

describe('sweepChunks: the k sweep split into activities of about equal cost', () => {
  it('a cheap sweep is two chunks, one per core, the high ks in the shorter one', () => {
    const chunks = assertPartition(mall(1, 50));
    assert.equal(chunks.length, 2);
    assert.ok(chunks[0].length > chunks[1].length, JSON.stringify(chunks));
  });

  it('a costly sweep is cut into more chunks, each holding about the same estimated work', () => {
    const plan = creditCard(1, 20);
    const chunks = assertPartition(plan);
    assert.ok(chunks.length > 2, JSON.stringify(chunks));
    const costs = chunks.map((chunk) => chunkCost(plan, chunk));
    const mean = costs.reduce((a, b) => a + b, 0) / costs.length;
    // Chunks are whole ks, so a chunk may be off by up to one k's cost from the mean.
    const heaviestK = estimatedFitSeconds(plan, plan.kMax);
    for (const cost of costs) assert.ok(Math.abs(cost - mean) <= heaviestK, `${cost} vs mean ${mean}`);
  });

  it('more restarts or rows mean more chunks (never more than MAX_SWEEP_CHUNKS)', () => {
    assert.ok(sweepChunks(creditCard(1, 20, 10)).length >= sweepChunks(creditCard(1, 20, 1)).length);
    assert.equal(sweepChunks({ ...creditCard(1, MAX_K, 100), rows: 1e7 }).length, MAX_SWEEP_CHUNKS);
  });

  it('gives a single chunk when kMin equals kMax', () => {
    assert.deepEqual(sweepChunks(mall(1, 1)), [[1]]);
    assert.deepEqual(sweepChunks(creditCard(7, 7)), [[7]]);
    assert.deepEqual(sweepChunks(mall(MAX_K, MAX_K)), [[MAX_K]]);
  });

  it('covers every k exactly once, in order, for every range the API accepts', () => {
    for (let kMin = 1; kMin <= MAX_K; kMin += 3) {
      for (let kMax = kMin; kMax <= MAX_K; kMax += 2) {
        assertPartition(mall(kMin, kMax));
        assertPartition(creditCard(kMin, kMax));
      }
    }
  });
});

describe('kRange', () => {
  it('names one k or a range', () => {
    assert.equal(kRange([4]), 'k=4');
    assert.equal(kRange([4, 5, 6]), 'k=4..6');
  });
});

describe('segmentationModelId', () => {
  it('names the pipeline, the algorithm and the run', () => {
    assert.equal(segmentationModelId('gmm', '20250102T030405Z-0a1b2c3d'), 'segmentation-gmm-20250102T030405Z-0a1b2c3d');
  });
});
