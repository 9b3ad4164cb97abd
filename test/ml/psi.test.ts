import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import {
  buildCategoricalPsiReference,
  buildPsiReference,
  psiCategorical,
  psiCategoricalFromReference,
  psiFromReference,
  psiFromSamples,
  PSI_BANDS,
  psiSeverity,
} from '../../src/ml/psi.js';

/** numpy reference (scripts/reference/classifiers_reference.py): np.quantile edges, searchsorted bins, 1e-4 floor. */
const { psi: reference } = JSON.parse(
  readFileSync(new URL('../fixtures/classifiers-reference.json', import.meta.url), 'utf8'),
) as {
  psi: {
    expected: number[];
    actual: number[];
    bins: number;
    edges: number[];
    expectedPct: number[];
    actualPct: number[];
    psi: number;
  };
};

const TOL = 1e-12;

function assertClose(actual: number, expected: number, tol = TOL, label = ''): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${label}: ${actual} vs ${expected}`);
}

/** Deterministic pseudo-normal sample (sum of uniforms) without depending on other modules. */
function normalSample(n: number, mean: number, sd: number, seed: number): number[] {
  let state = seed;
  const uniform = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
  return Array.from({ length: n }, () => {
    let sum = 0;
    for (let k = 0; k < 12; k++) sum += uniform();
    return mean + sd * (sum - 6);
  });
}

describe('psiFromSamples', () => {
  it('matches the numpy reference (quantile edges, bin shares, PSI)', () => {
    const result = psiFromSamples(reference.expected, reference.actual, { bins: reference.bins });
    const edges = result.bins.slice(1).map((b) => b.lower);
    assert.equal(edges.length, reference.edges.length);
    edges.forEach((e, i) => assertClose(e, reference.edges[i], TOL, `edge ${i}`));
    result.bins.forEach((b, i) => {
      assertClose(b.expectedPct, reference.expectedPct[i], TOL, `expectedPct ${i}`);
      assertClose(b.actualPct, reference.actualPct[i], TOL, `actualPct ${i}`);
    });
    assertClose(result.psi, reference.psi, TOL, 'psi');
    assert.equal(result.bins[0].lower, Number.NEGATIVE_INFINITY);
    assert.equal(result.bins.at(-1)!.upper, Number.POSITIVE_INFINITY);
  });

  it('is 0 for identical samples and grows with the shift', () => {
    const base = normalSample(5000, 0, 1, 1);
    assert.equal(psiFromSamples(base, base).psi, 0);
    const small = psiFromSamples(base, normalSample(5000, 0.1, 1, 2)).psi;
    const large = psiFromSamples(base, normalSample(5000, 1, 1, 3)).psi;
    assert.ok(small < 0.1, `small shift psi ${small}`);
    assert.ok(large > 0.25, `large shift psi ${large}`);
    assert.equal(psiSeverity(small), 'stable');
    assert.equal(psiSeverity(large), 'significant');
    assert.equal(psiSeverity(0.15), 'moderate');
  });

  it('bands PSI at the 0.1 / 0.25 cut-offs, each cut-off belonging to the higher band', () => {
    assert.deepEqual(PSI_BANDS, { moderate: 0.1, significant: 0.25 });
    assert.equal(psiSeverity(0), 'stable');
    assert.equal(psiSeverity(0.0999), 'stable');
    assert.equal(psiSeverity(PSI_BANDS.moderate), 'moderate');
    assert.equal(psiSeverity(0.2499), 'moderate');
    assert.equal(psiSeverity(PSI_BANDS.significant), 'significant');
    assert.equal(psiSeverity(3), 'significant');
  });

  it('uniform strategy uses equal-width edges over the reference range', () => {
    const result = psiFromSamples([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [0, 10], { bins: 5, strategy: 'uniform' });
    assert.deepEqual(
      result.bins.slice(1).map((b) => b.lower),
      [2, 4, 6, 8],
    );
  });

  it('floors empty bins at epsilon so PSI stays finite', () => {
    // Ten distinct reference values in five quantile bins: 20% each. All three new values lie above the
    // reference, so every bin but the last is empty.
    const result = psiFromSamples([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [100, 101, 102], { bins: 5 });
    assert.deepEqual(
      result.bins.map((b) => [b.expectedPct, b.actualPct]),
      [
        [0.2, 0],
        [0.2, 0],
        [0.2, 0],
        [0.2, 0],
        [0.2, 1],
      ],
    );
    // By hand, with the empty proportions floored at 1e-4: 4 × (1e-4 − 0.2)·ln(1e-4 / 0.2) + (1 − 0.2)·ln(1 / 0.2).
    assertClose(result.psi, 7.36523193659713, TOL, 'psi');
  });

  it('merges duplicate quantile edges of heavily tied data', () => {
    const zeros = [...Array.from({ length: 80 }, () => 0), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const reference = buildPsiReference(zeros, 10);
    assert.ok(reference.edges.every((e, i) => i === 0 || e > reference.edges[i - 1]));
    assert.equal(reference.expectedPct.length, reference.edges.length + 1);
    assertClose(
      reference.expectedPct.reduce((a, b) => a + b, 0),
      1,
    );
  });

  it('treats NaN as its own bin', () => {
    const expected = [1, 2, 3, 4, Number.NaN, 6, 7, 8, 9, 10];
    const reference = buildPsiReference(expected, 4);
    assert.equal(reference.missingPct, 0.1);
    const same = psiFromReference(reference, expected);
    assert.equal(same.psi, 0);
    const moreMissing = psiFromReference(reference, [1, Number.NaN, Number.NaN, Number.NaN, 9]);
    assert.deepEqual(moreMissing.missing, { expectedPct: 0.1, actualPct: 0.6 });
    assert.ok(moreMissing.psi > 0.5);
  });
});

describe('psiFromReference', () => {
  it('gives the same result from a JSON round-tripped reference as from raw samples', () => {
    const expected = normalSample(2000, 0, 1, 7);
    const actual = normalSample(1000, 0.4, 1.3, 8);
    const stored = JSON.parse(JSON.stringify(buildPsiReference(expected, 10))) as ReturnType<typeof buildPsiReference>;
    assert.deepEqual(psiFromReference(stored, actual), psiFromSamples(expected, actual));
    assert.equal(stored.edges.length, 9);
  });

  it('rejects inconsistent references and empty samples', () => {
    assert.throws(() => psiFromReference({ edges: [1, 2], expectedPct: [0.5, 0.5] }, [1]), /edges.length \+ 1/);
    assert.throws(() => psiFromReference({ edges: [], expectedPct: [1] }, []), /empty/);
    assert.throws(() => buildPsiReference([], 10), /empty/);
    assert.throws(() => buildPsiReference([1, 2], 0), /positive integer/);
  });
});

describe('psiCategorical', () => {
  it('matches a hand computation including unseen and vanished categories', () => {
    const result = psiCategorical(['a', 'a', 'b', 'c'], ['a', 'b', 'b', 'd']);
    const term = (e: number, a: number) =>
      (Math.max(a, 1e-4) - Math.max(e, 1e-4)) * Math.log(Math.max(a, 1e-4) / Math.max(e, 1e-4));
    const expected = term(0.5, 0.25) + term(0.25, 0.5) + term(0.25, 0) + term(0, 0.25);
    assertClose(result.psi, expected, TOL, 'psi');
    assert.deepEqual(
      result.categories.map((c) => c.category),
      ['a', 'b', 'c', 'd'],
    );
  });

  it('is 0 for the same distribution and works from a stored reference', () => {
    const reference = buildCategoricalPsiReference(['x', 'y', 'y', 'z']);
    assert.deepEqual(reference, { categories: ['x', 'y', 'z'], expectedPct: [0.25, 0.5, 0.25] });
    assert.equal(psiCategoricalFromReference(reference, ['y', 'z', 'x', 'y']).psi, 0);
  });
});
