import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { GoldColumns } from '../../../../src/pipelines/loan/features.js';
import { readGoldOnce } from '../../../../src/pipelines/loan/training/shared-gold.js';

function goldOf(n: number): GoldColumns {
  return {
    nRows: n,
    numeric: [Float64Array.from({ length: n }, (_, i) => i * 1.5), Float64Array.from({ length: n }, () => NaN)],
    categorical: [
      {
        name: 'Occupation',
        dictionary: ['Doctor', 'Lawyer'],
        codes: Int32Array.from({ length: n }, (_, i) => (i % 3) - 1),
      },
    ],
    label: Float64Array.from({ length: n }, (_, i) => i % 2),
    snapshotMonth: Int32Array.from({ length: n }, () => 202401),
  };
}

describe('one gold read for the fits started together', () => {
  it('reads once for concurrent callers, who all get the same columns', async () => {
    const original = goldOf(20);
    let reads = 0;
    let finish: (gold: GoldColumns) => void = () => undefined;
    const read = () => {
      reads++;
      return new Promise<GoldColumns>((resolve) => (finish = resolve));
    };
    const callers = [
      readGoldOnce('gold.parquet', read),
      readGoldOnce('gold.parquet', read),
      readGoldOnce('gold.parquet', read),
    ];
    finish(original);
    const results = await Promise.all(callers);
    assert.equal(reads, 1);
    for (const gold of results) assert.equal(gold, original);
  });

  it('forgets a settled read: a later caller (a retried activity) reads the file again, also after a failure', async () => {
    let reads = 0;
    await readGoldOnce('again.parquet', () => Promise.resolve((reads++, goldOf(3))));
    await readGoldOnce('again.parquet', () => Promise.resolve((reads++, goldOf(3))));
    assert.equal(reads, 2);
    const failing = [1, 2].map(() =>
      readGoldOnce('broken.parquet', () => {
        reads++;
        return Promise.reject(new Error('gold is missing'));
      }),
    );
    for (const attempt of failing) await assert.rejects(attempt, /gold is missing/);
    assert.equal(reads, 3);
    assert.deepEqual(await readGoldOnce('broken.parquet', () => Promise.resolve(goldOf(2))), goldOf(2));
  });
});
