import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { createRng, mulberry32, randomInt, shuffleInPlace } from '../../src/ml/random.js';

function draws(seed: number, count: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => rng.next());
}

function meanAndSd(values: number[]): { mean: number; sd: number } {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length;
  return { mean, sd: Math.sqrt(variance) };
}

void describe('createRng', () => {
  void it('repeats the same stream for the same seed and differs between seeds', () => {
    assert.deepEqual(draws(42, 100), draws(42, 100));
    assert.notDeepEqual(draws(42, 100), draws(43, 100));
    // Seeds that are not 32-bit integers are folded deterministically, and 0 is a valid seed.
    assert.deepEqual(draws(-7.5, 10), draws(-7.5, 10));
    assert.notDeepEqual(draws(2 ** 40 + 1, 10), draws(1, 10));
    assert.notDeepEqual(draws(0, 10), draws(1, 10));
  });

  void it('next() is uniform on [0, 1)', () => {
    const values = draws(1, 50_000);
    assert.ok(values.every((v) => v >= 0 && v < 1));
    const { mean, sd } = meanAndSd(values);
    // Uniform: mean 1/2, sd 1/√12 ≈ 0.2887; 50k draws put the sample mean within ~0.004 (3 standard errors).
    assert.ok(Math.abs(mean - 0.5) < 0.004, `mean ${mean}`);
    assert.ok(Math.abs(sd - 1 / Math.sqrt(12)) < 0.003, `sd ${sd}`);
    const deciles = new Array<number>(10).fill(0);
    values.forEach((v) => (deciles[Math.floor(v * 10)] += 1));
    // Chi-square with 9 degrees of freedom: 27.9 is the 0.999 quantile.
    const chiSquare = deciles.reduce((sum, count) => sum + (count - 5000) ** 2 / 5000, 0);
    assert.ok(chiSquare < 27.9, `chi-square ${chiSquare}`);
  });

  void it('int(n) covers exactly 0..n-1 evenly', () => {
    const rng = createRng(3);
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 70_000; i += 1) {
      const value = rng.int(7);
      assert.ok(Number.isInteger(value) && value >= 0 && value < 7);
      counts[value] += 1;
    }
    const chiSquare = counts.reduce((sum, count) => sum + (count - 10_000) ** 2 / 10_000, 0);
    assert.ok(chiSquare < 22.5, `chi-square ${chiSquare} (0.999 quantile, 6 df)`);
    assert.equal(createRng(5).int(1), 0);
  });

  void it('normal() has the requested mean and standard deviation', () => {
    const rng = createRng(11);
    const standard = meanAndSd(Array.from({ length: 40_000 }, () => rng.normal()));
    assert.ok(Math.abs(standard.mean) < 0.02, `mean ${standard.mean}`);
    assert.ok(Math.abs(standard.sd - 1) < 0.015, `sd ${standard.sd}`);
    const shifted = meanAndSd(Array.from({ length: 40_000 }, () => rng.normal(10, 3)));
    assert.ok(Math.abs(shifted.mean - 10) < 0.06, `mean ${shifted.mean}`);
    assert.ok(Math.abs(shifted.sd - 3) < 0.045, `sd ${shifted.sd}`);
    // Tails: about 4.55% of standard normals fall outside ±2.
    const outside = Array.from({ length: 40_000 }, () => rng.normal()).filter((v) => Math.abs(v) > 2).length / 40_000;
    assert.ok(Math.abs(outside - 0.0455) < 0.004, `share beyond ±2: ${outside}`);
  });

  void it('uint32() returns unsigned 32-bit integers', () => {
    const rng = createRng(9);
    for (let i = 0; i < 1000; i += 1) {
      const value = rng.uint32();
      assert.ok(Number.isInteger(value) && value >= 0 && value < 2 ** 32);
    }
  });

  void it('rejects bad arguments', () => {
    assert.throws(() => createRng(Number.NaN), RangeError);
    const rng = createRng(1);
    assert.throws(() => rng.int(0), RangeError);
    assert.throws(() => rng.int(2.5), RangeError);
  });
});

void describe('seeded streams', () => {
  // Fixtures, splits and sample data depend on these exact numbers: neither generator may change.
  void it('createRng (xoshiro128**) reproduces its pinned stream', () => {
    assert.deepEqual(draws(-12.5, 3), [0.5157645691627631, 0.7047371799177545, 0.09787039107765183]);
  });

  void it('mulberry32 reproduces its pinned stream', () => {
    const rng = mulberry32(42);
    assert.deepEqual(
      Array.from({ length: 4 }, () => rng()),
      [0.6011037519201636, 0.44829055899754167, 0.8524657934904099, 0.6697340414393693],
    );
  });

  void it('randomInt and shuffleInPlace accept either generator', () => {
    const fromMulberry = mulberry32(7);
    assert.deepEqual(
      Array.from({ length: 10 }, () => randomInt(fromMulberry, 13)),
      [0, 0, 12, 9, 6, 5, 6, 3, 7, 9],
    );
    const shuffled = shuffleInPlace(
      Int32Array.from({ length: 30 }, (_, i) => i),
      mulberry32(3),
    );
    assert.deepEqual(Array.from(shuffled.slice(0, 8)), [15, 6, 26, 20, 18, 9, 0, 14]);
    // An Rng's next() is a UniformRng too: randomInt on it draws what rng.int() would.
    const viaHelper = createRng(5);
    const viaMethod = createRng(5);
    for (let i = 0; i < 20; i += 1) assert.equal(randomInt(viaHelper.next, 9), viaMethod.int(9));
  });
});
