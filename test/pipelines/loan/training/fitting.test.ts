import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataValidationError } from '../../../../src/failures.js';
import type { GoldColumns } from '../../../../src/pipelines/loan/features.js';
import { latestMonthsRows, splitGold } from '../../../../src/pipelines/loan/training/fitting.js';

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

describe('latestMonthsRows (boosting’s early-stopping slice under an out-of-time split)', () => {
  // Twelve training loans over four months, not in month order; the positions are within `train`.
  const data = gold(
    [0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1],
    [202403, 202401, 202404, 202402, 202404, 202403, 202401, 202402, 202404, 202401, 202401, 202401],
  );
  const train = Int32Array.from(data.label.keys());

  it('takes whole months, latest first, until they are at least the fraction', () => {
    // 20%: 2024-04 alone is 3 loans (25%), so that month is the slice.
    assert.deepEqual(latestMonthsRows(data, train, 0.2), { rows: Int32Array.from([2, 4, 8]), fromMonth: 202404 });
    // 40%: 2024-04 (3) is short of 4.8, so 2024-03 joins: 5 loans, never part of a month.
    assert.deepEqual(latestMonthsRows(data, train, 0.4), { rows: Int32Array.from([0, 2, 4, 5, 8]), fromMonth: 202403 });
  });

  it('gives positions within the training rows it is handed', () => {
    const subset = Int32Array.from([1, 2, 3, 4, 6, 7, 8, 9]);
    // Positions 1, 3 and 6 of the subset are rows 2, 4 and 8: the April loans.
    assert.deepEqual(latestMonthsRows(data, subset, 0.2)?.rows, Int32Array.from([1, 3, 6]));
  });

  it('declines (null) a slice of half the training loans or more, or of one class', () => {
    assert.equal(latestMonthsRows(data, train, 0.5), null); // 2024-04 + 03 + 02 = 7 of 12
    const oneMonth = gold([0, 1, 0, 1], [202401, 202401, 202401, 202401]);
    assert.equal(latestMonthsRows(oneMonth, Int32Array.from([0, 1, 2, 3]), 0.1), null);
    const repaidLately = gold([0, 1, 0, 1, 0, 0], [202401, 202401, 202401, 202401, 202402, 202402]);
    assert.equal(latestMonthsRows(repaidLately, Int32Array.from(repaidLately.label.keys()), 0.1), null);
  });
});
