/** Seeded, stratified train/test split of row indices (sklearn's StratifiedShuffleSplit sizes). */
import { mulberry32, shuffleInPlace } from './random.js';

export interface IndexSplit {
  train: number[];
  test: number[];
}

/**
 * Seeded stratified train/test split returning row indices (each sorted ascending).
 * Like sklearn's StratifiedShuffleSplit: the test size is ceil(testFraction * n) and is shared out between
 * classes in proportion to their size (largest remainder), so class ratios match as closely as integers allow.
 */
export function stratifiedSplit(labels: ArrayLike<number>, testFraction: number, seed: number): IndexSplit {
  const n = labels.length;
  if (!(testFraction > 0 && testFraction < 1))
    throw new RangeError(`testFraction must be in (0, 1), got ${testFraction}`);
  const nTest = Math.ceil(testFraction * n);
  if (nTest < 1 || nTest >= n) throw new RangeError(`cannot split ${n} rows with testFraction ${testFraction}`);

  const classes = groupIndicesByLabel(labels);
  const testCounts = allocateProportionally(
    classes.map((c) => c.indices.length),
    nTest,
  );
  const rng = mulberry32(seed);
  const train: number[] = [];
  const test: number[] = [];
  classes.forEach((cls, k) => {
    const shuffled = shuffleInPlace(Int32Array.from(cls.indices), rng);
    const take = testCounts[k];
    for (let i = 0; i < shuffled.length; i++) (i < take ? test : train).push(shuffled[i]);
  });
  const ascending = (a: number, b: number) => a - b;
  return { train: train.sort(ascending), test: test.sort(ascending) };
}

interface LabelGroup {
  label: number;
  indices: number[];
}

/** Groups row indices by label, classes ordered by label value so the result does not depend on row order. */
function groupIndicesByLabel(labels: ArrayLike<number>): LabelGroup[] {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (Number.isNaN(label)) throw new RangeError(`label at row ${i} is NaN`);
    const list = groups.get(label);
    if (list) list.push(i);
    else groups.set(label, [i]);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([label, indices]) => ({ label, indices }));
}

/** Splits `total` into integer parts proportional to `sizes` (floor, then largest remainders first). */
function allocateProportionally(sizes: number[], total: number): number[] {
  const sum = sizes.reduce((a, b) => a + b, 0);
  const exact = sizes.map((s) => (total * s) / sum);
  const parts = exact.map((e, k) => Math.min(Math.floor(e), sizes[k]));
  let remaining = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, k) => ({ k, frac: e - Math.floor(e) })).sort((a, b) => b.frac - a.frac || a.k - b.k);
  while (remaining > 0) {
    let progressed = false;
    for (const { k } of order) {
      if (remaining === 0) break;
      if (parts[k] < sizes[k]) {
        parts[k] += 1;
        remaining--;
        progressed = true;
      }
    }
    if (!progressed) break;
  }
  return parts;
}
