/** Mall-customers CSV: five blobs in (Annual Income, Spending Score), centred and sized like the real data's. */
import { csvLine, csvText } from '../csv.js';
import { assertGeneratorOptions, type GeneratorOptions } from './generator-options.js';
import { createRng, deriveSeed, segmentPerRow, truncatedNormal, type SegmentationRng } from './random.js';

export const MALL_CUSTOMERS_HEADER = 'CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)';

/** Bounds of a truncated normal. */
type Range = readonly [mean: number, sd: number, min: number, max: number];

interface MallSegment {
  name: string;
  weight: number;
  income: Range;
  score: Range;
  age: Range;
}

/** One row per segment, so the segments compare at a glance. */
// prettier-ignore
const SEGMENT_TABLE: readonly (readonly [name: string, weight: number, income: Range, score: Range, age: Range])[] = [
  //                                 weight  income [mean, sd, min, max]  score            age
  ['low income, low spending',       0.115,  [26, 7, 15, 40],             [20, 9, 1, 40],  [45, 13, 18, 70]],
  ['low income, high spending',      0.11,   [26, 7, 15, 40],             [80, 9, 60, 99], [25, 5, 18, 40]],
  ['middle income, middle spending', 0.405,  [55, 7, 40, 70],             [50, 6, 35, 65], [43, 15, 18, 70]],
  ['high income, low spending',      0.175,  [88, 13, 70, 137],           [17, 9, 1, 40],  [41, 11, 19, 70]],
  ['high income, high spending',     0.195,  [87, 13, 70, 137],           [82, 8, 60, 99], [33, 4, 27, 45]],
];

const MALL_SEGMENTS: readonly MallSegment[] = SEGMENT_TABLE.map(([name, weight, income, score, age]) => ({
  name,
  weight,
  income,
  score,
  age,
}));

const MALL_FEMALE_SHARE = 0.56; // 112 of 200 in the real data

function sampleIntInRange(rng: SegmentationRng, [mean, sd, min, max]: Range): number {
  return Math.round(truncatedNormal(rng, mean, sd, min, max));
}

function mallCustomerRow(rng: SegmentationRng, id: number, segment: MallSegment): string {
  const gender = rng.uniform() < MALL_FEMALE_SHARE ? 'Female' : 'Male';
  const age = sampleIntInRange(rng, segment.age);
  const income = sampleIntInRange(rng, segment.income);
  const score = sampleIntInRange(rng, segment.score);
  return csvLine([String(id), gender, String(age), String(income), String(score)]);
}

/** Mall-customers CSV (LF line endings, final newline). IDs run from startId (default 1). */
export function generateMallCustomersCsv(opts: GeneratorOptions): string {
  assertGeneratorOptions(opts);
  const rng = createRng(deriveSeed(opts.seed, 'mall_customers'));
  const segments = segmentPerRow(rng, MALL_SEGMENTS, opts.rows);
  const startId = opts.startId ?? 1;
  return csvText(
    MALL_CUSTOMERS_HEADER,
    segments.map((segment, index) => mallCustomerRow(rng, startId + index, segment)),
  );
}
