import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunkKs, segmentationModelId } from '../../../src/pipelines/segmentation/config.js';
import { MAX_K } from '../../../src/pipelines/segmentation/contract.js';

const range = (kMin: number, kMax: number): number[] => Array.from({ length: kMax - kMin + 1 }, (_, i) => kMin + i);

/** The sweep's contract: every k of the range exactly once, in order, in at most `chunks` non-empty chunks. */
function assertPartition(kMin: number, kMax: number, chunks: number): void {
  const out = chunkKs(kMin, kMax, chunks);
  const label = `chunkKs(${kMin}, ${kMax}, ${chunks}) = ${JSON.stringify(out)}`;
  assert.deepEqual(out.flat(), range(kMin, kMax), `${label}: every k once, in order`);
  assert.ok(out.length <= chunks, `${label}: at most ${chunks} chunks`);
  assert.ok(
    out.every((chunk) => chunk.length > 0),
    `${label}: no empty chunk`,
  );
}

describe('chunkKs: the k sweep split into activities', () => {
  it('gives one k per chunk when the range is smaller than the chunk count', () => {
    assert.deepEqual(chunkKs(1, 4), [[1], [2], [3], [4]]);
    assert.deepEqual(chunkKs(5, 7, 4), [[5], [6], [7]]);
  });

  it('gives exactly one k per chunk when the range equals the chunk count', () => {
    assert.deepEqual(chunkKs(1, 10), [[1], [2], [3], [4], [5], [6], [7], [8], [9], [10]]);
    assert.deepEqual(chunkKs(3, 5, 3), [[3], [4], [5]]);
  });

  it('groups consecutive ks, at most `chunks` chunks, when the range is larger', () => {
    assert.deepEqual(chunkKs(1, 20), [
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
      [9, 10],
      [11, 12],
      [13, 14],
      [15, 16],
      [17, 18],
      [19, 20],
    ]);
    assert.deepEqual(chunkKs(1, 10, 3), [
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10],
    ]);
    // 11 ks in chunks of ceil(11 / 10) = 2: six chunks, the last one short.
    assert.deepEqual(chunkKs(2, 12), [[2, 3], [4, 5], [6, 7], [8, 9], [10, 11], [12]]);
    assert.equal(chunkKs(1, MAX_K).length, 10);
  });

  it('gives a single chunk when kMin equals kMax', () => {
    assert.deepEqual(chunkKs(1, 1), [[1]]);
    assert.deepEqual(chunkKs(7, 7), [[7]]);
    assert.deepEqual(chunkKs(MAX_K, MAX_K), [[MAX_K]]);
    assert.deepEqual(chunkKs(4, 4, 1), [[4]]);
  });

  it('one chunk when asked for one', () => {
    assert.deepEqual(chunkKs(3, 9, 1), [range(3, 9)]);
  });

  it('covers every k exactly once, in order, in at most `chunks` chunks, for every range the API accepts', () => {
    for (let kMin = 1; kMin <= MAX_K; kMin++) {
      for (let kMax = kMin; kMax <= MAX_K; kMax++) assertPartition(kMin, kMax, 10);
    }
    for (let chunks = 1; chunks <= 25; chunks++) {
      for (const [kMin, kMax] of [
        [1, 1],
        [1, 2],
        [2, 24],
        [1, 25],
        [1, 26],
        [17, 80],
        [1, MAX_K],
      ]) {
        assertPartition(kMin, kMax, chunks);
      }
    }
  });
});

describe('segmentationModelId', () => {
  it('names the pipeline, the algorithm and the run', () => {
    assert.equal(segmentationModelId('gmm', '20250102T030405Z-0a1b2c3d'), 'segmentation-gmm-20250102T030405Z-0a1b2c3d');
  });
});
