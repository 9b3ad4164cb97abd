import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataValidationError } from '../../../../src/failures.js';
import type { GoldColumns } from '../../../../src/pipelines/loan/features.js';
import { splitGold } from '../../../../src/pipelines/loan/training/fitting.js';

/** Gold with no features: splitting reads only the labels and the start months. */
function gold(labels: number[], months: number[]): GoldColumns {
  return {
    nRows: labels.length,
    numeric: [],
    categorical: [],
    label: Float64Array.from(labels),
    snapshotMonth: Int32Array.from(months),
  };
}

describe('splitGold', () => {
  it('cuts out of time at the month: earlier loans train, the rest test', () => {
    const { train, test } = splitGold(gold([0, 1, 0, 1], [202401, 202402, 202407, 202408]), {
      kind: 'out-of-time',
      cutoffMonth: '2024-07',
    });
    assert.deepEqual([...train], [0, 1]);
    assert.deepEqual([...test], [2, 3]);
  });

  it('refuses a cut-off that leaves one side with a single class, as bad input', () => {
    // Every loan from 2024-07 on repaid: the test set has no defaults, so its AUC is undefined.
    const data = gold([0, 1, 0, 0], [202401, 202402, 202407, 202408]);
    assert.throws(
      () => splitGold(data, { kind: 'out-of-time', cutoffMonth: '2024-07' }),
      (err: unknown) => err instanceof DataValidationError && /test set \(2 loans\) with no defaults/.test(err.message),
    );
  });

  it('refuses a cut-off that leaves one side empty', () => {
    assert.throws(
      () => splitGold(gold([0, 1], [202401, 202402]), { kind: 'out-of-time', cutoffMonth: '2030-01' }),
      DataValidationError,
    );
  });
});
