import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import { findKnee, type KneeCurve, type KneeDirection } from '../../src/ml/kneedle.js';

interface KneedleCase {
  name: string;
  x: number[];
  y: number[];
  S: number;
  curve: KneeCurve;
  direction: KneeDirection;
  online: boolean;
  knee: number | null;
  /** kneed's y_difference; empty when it is NaN (constant y). */
  difference: number[];
}

/** kneed KneeLocator outputs for every curve / direction / online / S combination (segmentation_reference.py). */
const cases = (
  JSON.parse(readFileSync(new URL('../fixtures/segmentation-reference.json', import.meta.url), 'utf8')) as {
    kneedle: KneedleCase[];
  }
).kneedle;

const label = (c: KneedleCase): string => `${c.name}, ${c.curve} ${c.direction}, S=${c.S}, online=${c.online}`;

void describe('findKnee (Kneedle as kneed.KneeLocator)', () => {
  void it('covers a meaningful set of reference cases', () => {
    assert.ok(cases.length >= 200);
    // Not all trivial: the reference has knees, no-knee answers, and online/offline disagreements.
    assert.ok(cases.some((c) => c.knee === null));
    assert.ok(cases.filter((c) => c.knee !== null).length > cases.length / 2);
    const offline = cases.filter((c) => !c.online);
    const differs = offline.some((c) => {
      const online = cases.find((o) => o.online && o.name === c.name && o.curve === c.curve && o.S === c.S);
      return online !== undefined && online.direction === c.direction && online.knee !== c.knee;
    });
    assert.ok(differs, 'some online knee differs from the offline one');
  });

  void it('finds the same knee as kneed in every case', () => {
    const mismatches = cases
      .map((c) => ({
        c,
        knee: findKnee(c.x, c.y, { S: c.S, curve: c.curve, direction: c.direction, online: c.online }).knee,
      }))
      .filter(({ c, knee }) => knee !== c.knee)
      .map(({ c, knee }) => `${label(c)}: ${knee} vs ${c.knee}`);
    assert.deepEqual(mismatches, []);
  });

  void it('returns kneed’s difference curve', () => {
    for (const c of cases) {
      const { normalizedDifference } = findKnee(c.x, c.y, c);
      assert.equal(normalizedDifference.length, c.difference.length, label(c));
      normalizedDifference.forEach((value, i) =>
        assert.ok(Math.abs(value - c.difference[i]) < 1e-12, `${label(c)} [${i}]: ${value} vs ${c.difference[i]}`),
      );
    }
  });

  void it('defaults to a convex, decreasing, offline, S = 1 search', () => {
    const c = cases.find(
      (k) => k.name === 'noisy' && k.curve === 'convex' && k.direction === 'decreasing' && k.S === 1 && !k.online,
    )!;
    assert.equal(findKnee(c.x, c.y).knee, c.knee);
    assert.notEqual(c.knee, null);
  });

  void it('handles degenerate input', () => {
    assert.deepEqual(findKnee([1, 2, 3], [5, 5, 5]), { knee: null, normalizedDifference: [] });
    assert.equal(findKnee([1], [1]).knee, null);
    assert.equal(findKnee([], []).knee, null);
    assert.throws(() => findKnee([1, 2], [1]), RangeError);
    assert.throws(() => findKnee([1, 2], [1, Number.NaN]), RangeError);
  });
});
