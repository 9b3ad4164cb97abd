import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { mulberry32, shuffleInPlace } from '../../src/ml/random.js';
import { stratifiedSplit } from '../../src/ml/split.js';

/** 1,000 labels with 29% positives in a fixed but scattered order. */
function makeLabels(n = 1000, positiveRate = 0.29): number[] {
  const labels = Array.from({ length: n }, (_, i) => (i < Math.round(n * positiveRate) ? 1 : 0));
  return Array.from(shuffleInPlace(Float64Array.from(labels), mulberry32(123)));
}

const positives = (labels: number[], idx: number[]) => idx.reduce((s, i) => s + labels[i], 0);

describe('stratifiedSplit', () => {
  const labels = makeLabels();

  it('is deterministic for a seed and differs across seeds', () => {
    assert.deepEqual(stratifiedSplit(labels, 0.2, 42), stratifiedSplit(labels, 0.2, 42));
    assert.notDeepEqual(stratifiedSplit(labels, 0.2, 42).test, stratifiedSplit(labels, 0.2, 43).test);
  });

  it('partitions all rows into sorted, disjoint train and test sets of sklearn sizes', () => {
    const { train, test } = stratifiedSplit(labels, 0.25, 1);
    assert.equal(test.length, 250); // ceil(0.25 · 1000)
    assert.equal(train.length, 750);
    const all = [...train, ...test].sort((a, b) => a - b);
    assert.deepEqual(
      all,
      Array.from({ length: 1000 }, (_, i) => i),
    );
    assert.deepEqual(
      test,
      [...test].sort((a, b) => a - b),
    );
  });

  it('keeps the class ratio in both parts', () => {
    const { train, test } = stratifiedSplit(labels, 0.2, 7);
    assert.equal(positives(labels, test), 58); // 0.2 · 290
    assert.equal(positives(labels, train), 232);
  });

  it('rounds odd sizes by largest remainder and handles multi-class labels', () => {
    const multi = [0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2];
    const { test } = stratifiedSplit(multi, 0.3, 3); // ceil(3.9) = 4 test rows
    assert.equal(test.length, 4);
    const perClass = [0, 1, 2].map((c) => test.filter((i) => multi[i] === c).length);
    assert.deepEqual(perClass, [1, 1, 2]); // exact shares 0.92, 1.23, 1.85
  });

  it('rejects invalid fractions and degenerate splits', () => {
    assert.throws(() => stratifiedSplit(labels, 0, 1), RangeError);
    assert.throws(() => stratifiedSplit(labels, 1, 1), RangeError);
    assert.throws(() => stratifiedSplit([0], 0.5, 1), RangeError);
    assert.throws(() => stratifiedSplit([0, Number.NaN, 1], 0.5, 1), /NaN/);
  });
});

describe('mulberry32', () => {
  it('is reproducible and roughly uniform', () => {
    const a = mulberry32(9);
    const b = mulberry32(9);
    const draws = Array.from({ length: 10_000 }, () => a());
    assert.deepEqual(
      draws.slice(0, 5),
      Array.from({ length: 5 }, () => b()),
    );
    assert.ok(draws.every((x) => x >= 0 && x < 1));
    const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
    assert.ok(Math.abs(mean - 0.5) < 0.02, `mean ${mean}`);
  });
});
