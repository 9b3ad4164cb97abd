import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { clamp } from '../ml/math.js';
import { mulberry32 } from '../ml/random.js';
import { writeFileAtomic } from '../storage/atomic-file.js';

/**
 * Seeded generators for the customer-segmentation sample data, so the pipeline works from a fresh clone.
 * The files copy the schemas of two public datasets (Kaggle "Mall Customer Segmentation Data" and
 * "Credit Card Dataset for Clustering"); every value is synthetic. Same seed → same bytes.
 */

/** File names of the generated samples, relative to the data dir. */
export interface SegmentationSampleFiles {
  customers: string;
  customersTest: string;
  creditCard: string;
  creditCardTest: string;
}

export const SEGMENTATION_SAMPLE_FILES: SegmentationSampleFiles = {
  customers: 'mall_customers.csv',
  customersTest: 'mall_customers_test.csv',
  creditCard: 'credit_card.csv',
  creditCardTest: 'credit_card_test.csv',
};

const DEFAULT_SEED = 42;
const MALL_ROWS = 200;
const MALL_TEST_ROWS = 20;
const CREDIT_CARD_ROWS = 8950;
const CREDIT_CARD_TEST_ROWS = 25;
const CREDIT_CARD_FIRST_ID = 10001;

export const MALL_CUSTOMERS_HEADER = 'CustomerID,Gender,Age,Annual Income (k$),Spending Score (1-100)';
export const CREDIT_CARD_HEADER = [
  'CUST_ID',
  'BALANCE',
  'BALANCE_FREQUENCY',
  'PURCHASES',
  'ONEOFF_PURCHASES',
  'INSTALLMENTS_PURCHASES',
  'CASH_ADVANCE',
  'PURCHASES_FREQUENCY',
  'ONEOFF_PURCHASES_FREQUENCY',
  'PURCHASES_INSTALLMENTS_FREQUENCY',
  'CASH_ADVANCE_FREQUENCY',
  'CASH_ADVANCE_TRX',
  'PURCHASES_TRX',
  'CREDIT_LIMIT',
  'PAYMENTS',
  'MINIMUM_PAYMENTS',
  'PRC_FULL_PAYMENT',
  'TENURE',
].join(',');

// ---------------------------------------------------------------------------------------------------------------
// Seeded randomness: mulberry32 (a fixed algorithm, so a seed always gives the same bytes).

interface Rng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal. */
  normal(): number;
}

function createRng(seed: number): Rng {
  const uniform = mulberry32(seed);
  let spare: number | undefined;
  return {
    uniform,
    // Box–Muller yields two independent normals per pair of uniforms; keep the second for the next call.
    normal: () => {
      if (spare !== undefined) {
        const value = spare;
        spare = undefined;
        return value;
      }
      const u1 = 1 - uniform(); // (0, 1]: log(0) would be -Infinity
      const u2 = uniform();
      const radius = Math.sqrt(-2 * Math.log(u1));
      spare = radius * Math.sin(2 * Math.PI * u2);
      return radius * Math.cos(2 * Math.PI * u2);
    },
  };
}

/** Independent stream per file: the test files must not repeat the first rows of the training files. */
function deriveSeed(seed: number, label: string): number {
  let hash = 0x811c9dc5 ^ (seed >>> 0); // FNV-1a over the label, starting from the seed
  for (let i = 0; i < label.length; i++) {
    hash = Math.imul(hash ^ label.charCodeAt(i), 0x01000193) >>> 0;
  }
  return hash;
}

function uniformInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng.uniform() * (max - min + 1));
}

/** Normal restricted to [min, max] by rejection (clamping would pile values up on the bounds). */
function truncatedNormal(rng: Rng, mean: number, sd: number, min: number, max: number): number {
  for (let attempt = 0; attempt < 100; attempt++) {
    const value = mean + sd * rng.normal();
    if (value >= min && value <= max) return value;
  }
  return clamp(mean, min, max);
}

interface LogNormalSpec {
  median: number;
  sigma: number;
}

function logNormal(rng: Rng, median: number, sigma: number): number {
  return median * Math.exp(sigma * rng.normal());
}

/** Log-normal limited to (0, max] by truncating the underlying normal, so no values pile up on the cap. */
function boundedLogNormal(rng: Rng, spec: LogNormalSpec, max: number): number {
  const zMax = Math.log(max / spec.median) / spec.sigma;
  return spec.median * Math.exp(spec.sigma * truncatedNormal(rng, 0, 1, -Infinity, zMax));
}

function binomial(rng: Rng, trials: number, probability: number): number {
  let successes = 0;
  for (let i = 0; i < trials; i++) if (rng.uniform() < probability) successes++;
  return successes;
}

function pickWeighted<T extends { weight: number }>(rng: Rng, items: readonly T[]): T {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  let remaining = rng.uniform() * total;
  for (const item of items) {
    remaining -= item.weight;
    if (remaining < 0) return item;
  }
  return items[items.length - 1];
}

/** Largest-remainder split of `total` by weight, so every group keeps its share even in small files. */
function allocateCounts(weights: readonly number[], total: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (w / sum) * total);
  const counts = exact.map(Math.floor);
  const byRemainder = exact.map((value, index) => ({ index, remainder: value - Math.floor(value) }));
  byRemainder.sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  let missing = total - counts.reduce((a, b) => a + b, 0);
  for (const { index } of byRemainder) {
    if (missing-- <= 0) break;
    counts[index]++;
  }
  return counts;
}

function shuffleInPlace<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = uniformInt(rng, 0, i);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** Fixed-point text without trailing zeros or exponents, like the public CSVs ("95.4", "0", "0.083333"). */
function formatDecimal(value: number, digits: number): string {
  return String(Number(value.toFixed(digits)));
}

function toCsv(header: string, rows: readonly string[]): string {
  return `${[header, ...rows].join('\n')}\n`;
}

function assertGeneratorOptions(opts: { seed: number; rows: number; startId?: number }): void {
  if (!Number.isInteger(opts.seed)) throw new Error(`seed must be an integer, got ${opts.seed}`);
  if (!Number.isInteger(opts.rows) || opts.rows < 0) throw new Error(`rows must be a non-negative integer`);
  if (opts.startId !== undefined && (!Number.isInteger(opts.startId) || opts.startId < 0)) {
    throw new Error(`startId must be a non-negative integer, got ${opts.startId}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Mall customers: five blobs in (Annual Income, Spending Score), centred and sized like the real data's clusters.

interface Range {
  mean: number;
  sd: number;
  min: number;
  max: number;
}

interface MallSegment {
  name: string;
  weight: number;
  income: Range;
  score: Range;
  age: Range;
}

const MALL_SEGMENTS: readonly MallSegment[] = [
  {
    name: 'low income, low spending',
    weight: 0.115,
    income: { mean: 26, sd: 7, min: 15, max: 40 },
    score: { mean: 20, sd: 9, min: 1, max: 40 },
    age: { mean: 45, sd: 13, min: 18, max: 70 },
  },
  {
    name: 'low income, high spending',
    weight: 0.11,
    income: { mean: 26, sd: 7, min: 15, max: 40 },
    score: { mean: 80, sd: 9, min: 60, max: 99 },
    age: { mean: 25, sd: 5, min: 18, max: 40 },
  },
  {
    name: 'middle income, middle spending',
    weight: 0.405,
    income: { mean: 55, sd: 7, min: 40, max: 70 },
    score: { mean: 50, sd: 6, min: 35, max: 65 },
    age: { mean: 43, sd: 15, min: 18, max: 70 },
  },
  {
    name: 'high income, low spending',
    weight: 0.175,
    income: { mean: 88, sd: 13, min: 70, max: 137 },
    score: { mean: 17, sd: 9, min: 1, max: 40 },
    age: { mean: 41, sd: 11, min: 19, max: 70 },
  },
  {
    name: 'high income, high spending',
    weight: 0.195,
    income: { mean: 87, sd: 13, min: 70, max: 137 },
    score: { mean: 82, sd: 8, min: 60, max: 99 },
    age: { mean: 33, sd: 4, min: 27, max: 45 },
  },
];

const MALL_FEMALE_SHARE = 0.56; // 112 of 200 in the real data

function sampleIntInRange(rng: Rng, range: Range): number {
  return Math.round(truncatedNormal(rng, range.mean, range.sd, range.min, range.max));
}

function mallCustomerRow(rng: Rng, id: number, segment: MallSegment): string {
  const gender = rng.uniform() < MALL_FEMALE_SHARE ? 'Female' : 'Male';
  const age = sampleIntInRange(rng, segment.age);
  const income = sampleIntInRange(rng, segment.income);
  const score = sampleIntInRange(rng, segment.score);
  return `${id},${gender},${age},${income},${score}`;
}

/** Mall-customers CSV (LF line endings, final newline). IDs run from startId (default 1). */
export function generateMallCustomersCsv(opts: { seed: number; rows: number; startId?: number }): string {
  assertGeneratorOptions(opts);
  const rng = createRng(deriveSeed(opts.seed, 'mall_customers'));
  const counts = allocateCounts(
    MALL_SEGMENTS.map((segment) => segment.weight),
    opts.rows,
  );
  const segments = shuffleInPlace(
    rng,
    MALL_SEGMENTS.flatMap((segment, index) => Array.from({ length: counts[index] }, () => segment)),
  );
  const startId = opts.startId ?? 1;
  return toCsv(
    MALL_CUSTOMERS_HEADER,
    segments.map((segment, index) => mallCustomerRow(rng, startId + index, segment)),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Credit-card customers: latent behaviour types, each with its own log-normal credit limit, utilisation,
// purchase and cash-advance habits, so BALANCE, PURCHASES and CREDIT_LIMIT carry cluster structure.

interface CreditCardType {
  name: string;
  weight: number;
  creditLimit: LogNormalSpec;
  /** Balance as a share of the credit limit. */
  utilisation: LogNormalSpec;
  zeroBalanceProbability: number;
  purchaseProbability: number;
  purchases: LogNormalSpec;
  oneoffOnlyProbability: number;
  installmentsOnlyProbability: number;
  /** Mean installment share of purchases for customers who use both. */
  installmentShare: number;
  cashAdvanceProbability: number;
  cashAdvance: LogNormalSpec;
  fullPayerProbability: number;
  fullPaymentMonthlyRate: number;
}

const CREDIT_CARD_TYPES: readonly CreditCardType[] = [
  {
    name: 'dormant',
    weight: 0.22,
    creditLimit: { median: 1500, sigma: 0.5 },
    utilisation: { median: 0.1, sigma: 1.0 },
    zeroBalanceProbability: 0.15,
    purchaseProbability: 0.45,
    purchases: { median: 80, sigma: 0.9 },
    oneoffOnlyProbability: 0.4,
    installmentsOnlyProbability: 0.4,
    installmentShare: 0.5,
    cashAdvanceProbability: 0.35,
    cashAdvance: { median: 300, sigma: 0.8 },
    fullPayerProbability: 0.3,
    fullPaymentMonthlyRate: 0.4,
  },
  {
    name: 'installment shopper',
    weight: 0.28,
    creditLimit: { median: 3000, sigma: 0.5 },
    utilisation: { median: 0.15, sigma: 0.8 },
    zeroBalanceProbability: 0.03,
    purchaseProbability: 1,
    purchases: { median: 600, sigma: 0.7 },
    oneoffOnlyProbability: 0.05,
    installmentsOnlyProbability: 0.6,
    installmentShare: 0.75,
    cashAdvanceProbability: 0.25,
    cashAdvance: { median: 400, sigma: 0.8 },
    fullPayerProbability: 0.35,
    fullPaymentMonthlyRate: 0.5,
  },
  {
    name: 'revolver',
    weight: 0.25,
    creditLimit: { median: 5000, sigma: 0.5 },
    utilisation: { median: 0.6, sigma: 0.35 },
    zeroBalanceProbability: 0,
    purchaseProbability: 0.5,
    purchases: { median: 150, sigma: 1.0 },
    oneoffOnlyProbability: 0.45,
    installmentsOnlyProbability: 0.35,
    installmentShare: 0.5,
    cashAdvanceProbability: 0.95,
    cashAdvance: { median: 2000, sigma: 0.8 },
    fullPayerProbability: 0.03,
    fullPaymentMonthlyRate: 0.2,
  },
  {
    name: 'transactor',
    weight: 0.17,
    creditLimit: { median: 7500, sigma: 0.45 },
    utilisation: { median: 0.12, sigma: 0.9 },
    zeroBalanceProbability: 0.05,
    purchaseProbability: 1,
    purchases: { median: 3000, sigma: 0.6 },
    oneoffOnlyProbability: 0.25,
    installmentsOnlyProbability: 0.05,
    installmentShare: 0.35,
    cashAdvanceProbability: 0.2,
    cashAdvance: { median: 500, sigma: 0.8 },
    fullPayerProbability: 0.7,
    fullPaymentMonthlyRate: 0.6,
  },
  {
    name: 'premium',
    weight: 0.08,
    creditLimit: { median: 14000, sigma: 0.3 },
    utilisation: { median: 0.35, sigma: 0.5 },
    zeroBalanceProbability: 0,
    purchaseProbability: 1,
    purchases: { median: 6000, sigma: 0.6 },
    oneoffOnlyProbability: 0.15,
    installmentsOnlyProbability: 0.1,
    installmentShare: 0.45,
    cashAdvanceProbability: 0.4,
    cashAdvance: { median: 1500, sigma: 0.8 },
    fullPayerProbability: 0.4,
    fullPaymentMonthlyRate: 0.4,
  },
];

/** Most accounts are a year old; the public data has a thin tail down to 6 months. */
const TENURE_WEIGHTS: readonly { tenure: number; weight: number }[] = [
  { tenure: 12, weight: 0.85 },
  { tenure: 11, weight: 0.04 },
  { tenure: 10, weight: 0.026 },
  { tenure: 9, weight: 0.02 },
  { tenure: 8, weight: 0.022 },
  { tenure: 7, weight: 0.021 },
  { tenure: 6, weight: 0.021 },
];

const MAX_BALANCE = 19000;
const MAX_PURCHASES = 49000;
const MAX_CASH_ADVANCE = 47000;
const MAX_CREDIT_LIMIT = 30000;
const MAX_PAYMENTS = 50000;
/** Accounts with no payments are usually the ones whose MINIMUM_PAYMENTS is missing in the public data. */
const ZERO_PAYMENTS_PROBABILITY = 0.025;
const BLANK_MINIMUM_IF_NO_PAYMENTS = 0.85;
const BLANK_MINIMUM_OTHERWISE = 0.01;

interface CreditCardRecord {
  balance: number;
  balanceFrequency: number;
  purchasesCents: number;
  oneoffCents: number;
  installmentsCents: number;
  cashAdvance: number;
  purchasesFrequency: number;
  oneoffFrequency: number;
  installmentsFrequency: number;
  cashAdvanceFrequency: number;
  cashAdvanceTrx: number;
  purchasesTrx: number;
  creditLimit: number | null;
  payments: number;
  minimumPayments: number | null;
  prcFullPayment: number;
  tenure: number;
}

/** Real limits are round numbers: 50s below 1,000, then 100s, then 500s. */
function roundCreditLimit(raw: number): number {
  const step = raw < 1000 ? 50 : raw < 10000 ? 100 : 500;
  return clamp(Math.round(raw / step) * step, 50, MAX_CREDIT_LIMIT);
}

/** Share of the tenure's months with some activity, as the public data reports it (k / tenure). */
function monthShare(months: number, tenure: number): number {
  return Number((months / tenure).toFixed(6));
}

function sampleInstallmentShare(rng: Rng, type: CreditCardType): number {
  const draw = rng.uniform();
  if (draw < type.oneoffOnlyProbability) return 0;
  if (draw < type.oneoffOnlyProbability + type.installmentsOnlyProbability) return 1;
  return truncatedNormal(rng, type.installmentShare, 0.2, 0.05, 0.95);
}

/** Transactions from spend and a typical ticket size; at least one when anything was spent. */
function transactionCount(rng: Rng, amount: number, ticket: LogNormalSpec, max: number): number {
  if (amount <= 0) return 0;
  return clamp(Math.round(amount / logNormal(rng, ticket.median, ticket.sigma)), 1, max);
}

/** Months with at least one transaction; spending tends to recur, so bias towards one a month. */
function activeMonths(rng: Rng, transactions: number, tenure: number): number {
  if (transactions === 0) return 0;
  const most = Math.min(tenure, transactions);
  return uniformInt(rng, Math.ceil(most / 2), most);
}

function sampleCreditCardRecord(rng: Rng, type: CreditCardType): CreditCardRecord {
  const tenure = pickWeighted(rng, TENURE_WEIGHTS).tenure;
  const creditLimit = roundCreditLimit(boundedLogNormal(rng, type.creditLimit, MAX_CREDIT_LIMIT));

  const hasBalance = rng.uniform() >= type.zeroBalanceProbability;
  // Balances may run slightly over the limit, as in the public data.
  const balance = hasBalance
    ? creditLimit * boundedLogNormal(rng, type.utilisation, Math.min(1.15, MAX_BALANCE / creditLimit))
    : 0;
  const balanceMonths = hasBalance
    ? rng.uniform() < 0.75
      ? tenure
      : uniformInt(rng, Math.ceil(tenure / 2), tenure)
    : uniformInt(rng, 0, tenure);

  // Whole cents, split into one-off and installments so ONEOFF + INSTALLMENTS = PURCHASES exactly.
  const purchasesCents =
    rng.uniform() < type.purchaseProbability
      ? Math.max(100, Math.round(boundedLogNormal(rng, type.purchases, MAX_PURCHASES) * 100))
      : 0;
  const installmentsCents = Math.round(purchasesCents * sampleInstallmentShare(rng, type));
  const oneoffCents = purchasesCents - installmentsCents;
  const oneoffTrx = transactionCount(rng, oneoffCents / 100, { median: 150, sigma: 0.5 }, 200);
  const installmentsTrx = transactionCount(rng, installmentsCents / 100, { median: 60, sigma: 0.4 }, 200);
  const oneoffMonths = activeMonths(rng, oneoffTrx, tenure);
  const installmentsMonths = activeMonths(rng, installmentsTrx, tenure);
  const purchaseMonths =
    purchasesCents === 0
      ? 0
      : uniformInt(
          rng,
          Math.max(oneoffMonths, installmentsMonths),
          Math.min(tenure, oneoffMonths + installmentsMonths),
        );

  const cashAdvance =
    rng.uniform() < type.cashAdvanceProbability ? boundedLogNormal(rng, type.cashAdvance, MAX_CASH_ADVANCE) : 0;
  const cashAdvanceTrx = transactionCount(rng, cashAdvance, { median: 350, sigma: 0.6 }, 120);
  const cashAdvanceMonths = activeMonths(rng, cashAdvanceTrx, tenure);

  const paysNothing = rng.uniform() < ZERO_PAYMENTS_PROBABILITY;
  const activity = purchasesCents / 100 + cashAdvance + 0.25 * balance;
  const payments =
    paysNothing || activity === 0
      ? 0
      : activity * boundedLogNormal(rng, { median: 0.9, sigma: 0.45 }, MAX_PAYMENTS / activity);
  const minimumBlank = rng.uniform() < (paysNothing ? BLANK_MINIMUM_IF_NO_PAYMENTS : BLANK_MINIMUM_OTHERWISE);
  const minimumPayments = minimumBlank ? null : Math.max(0.019, (0.3 * balance + 30) * logNormal(rng, 1, 0.6));

  const fullPaymentMonths =
    rng.uniform() < type.fullPayerProbability ? binomial(rng, tenure, type.fullPaymentMonthlyRate) : 0;

  return {
    balance,
    balanceFrequency: monthShare(balanceMonths, tenure),
    purchasesCents,
    oneoffCents,
    installmentsCents,
    cashAdvance,
    purchasesFrequency: monthShare(purchaseMonths, tenure),
    oneoffFrequency: monthShare(oneoffMonths, tenure),
    installmentsFrequency: monthShare(installmentsMonths, tenure),
    cashAdvanceFrequency: monthShare(cashAdvanceMonths, tenure),
    cashAdvanceTrx,
    purchasesTrx: oneoffTrx + installmentsTrx,
    creditLimit,
    payments,
    minimumPayments,
    prcFullPayment: monthShare(fullPaymentMonths, tenure),
    tenure,
  };
}

function formatCents(cents: number): string {
  return formatDecimal(cents / 100, 2);
}

function formatCreditCardRow(id: number, record: CreditCardRecord): string {
  return [
    `C${id}`,
    formatDecimal(record.balance, 6),
    formatDecimal(record.balanceFrequency, 6),
    formatCents(record.purchasesCents),
    formatCents(record.oneoffCents),
    formatCents(record.installmentsCents),
    formatDecimal(record.cashAdvance, 6),
    formatDecimal(record.purchasesFrequency, 6),
    formatDecimal(record.oneoffFrequency, 6),
    formatDecimal(record.installmentsFrequency, 6),
    formatDecimal(record.cashAdvanceFrequency, 6),
    String(record.cashAdvanceTrx),
    String(record.purchasesTrx),
    record.creditLimit === null ? '' : String(record.creditLimit),
    formatDecimal(record.payments, 6),
    record.minimumPayments === null ? '' : formatDecimal(record.minimumPayments, 6),
    formatDecimal(record.prcFullPayment, 6),
    String(record.tenure),
  ].join(',');
}

/** One blank CREDIT_LIMIT per ~5,000 rows (the public data has one), but at least one in any file of 10+ rows. */
function blankCreditLimitCount(rows: number): number {
  return rows < 10 ? 0 : Math.max(1, Math.round(rows / 5000));
}

function pickDistinctIndices(rng: Rng, count: number, size: number): Set<number> {
  const picked = new Set<number>();
  while (picked.size < Math.min(count, size)) picked.add(uniformInt(rng, 0, size - 1));
  return picked;
}

/** Credit-card customers CSV (LF line endings, final newline). IDs are `C<startId + i>`, startId default 10001. */
export function generateCreditCardCsv(opts: { seed: number; rows: number; startId?: number }): string {
  assertGeneratorOptions(opts);
  const rng = createRng(deriveSeed(opts.seed, 'credit_card'));
  const counts = allocateCounts(
    CREDIT_CARD_TYPES.map((type) => type.weight),
    opts.rows,
  );
  const types = shuffleInPlace(
    rng,
    CREDIT_CARD_TYPES.flatMap((type, index) => Array.from({ length: counts[index] }, () => type)),
  );
  const blankLimitRows = pickDistinctIndices(rng, blankCreditLimitCount(opts.rows), opts.rows);
  const startId = opts.startId ?? CREDIT_CARD_FIRST_ID;
  const rows = types.map((type, index) => {
    const record = sampleCreditCardRecord(rng, type);
    const withBlanks = blankLimitRows.has(index) ? { ...record, creditLimit: null } : record;
    return formatCreditCardRow(startId + index, withBlanks);
  });
  return toCsv(CREDIT_CARD_HEADER, rows);
}

// ---------------------------------------------------------------------------------------------------------------
// Writing the sample files.

async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes the four segmentation samples into dataDir (created if missing). Existing files are skipped unless
 * `overwrite`; each file is written to a sibling temp file and renamed, so readers never see half a file.
 * Returns the paths (dataDir joined with the file name) written and skipped.
 */
export async function writeSegmentationSampleData(
  dataDir: string,
  opts: { seed?: number; overwrite?: boolean } = {},
): Promise<{ written: string[]; skipped: string[] }> {
  const seed = opts.seed ?? DEFAULT_SEED;
  const files = SEGMENTATION_SAMPLE_FILES;
  // Test files use their own seed stream and continue the ID sequence, so they hold new, unseen customers.
  const plan: { name: string; render: () => string }[] = [
    { name: files.customers, render: () => generateMallCustomersCsv({ seed, rows: MALL_ROWS, startId: 1 }) },
    {
      name: files.customersTest,
      render: () =>
        generateMallCustomersCsv({ seed: deriveSeed(seed, 'test'), rows: MALL_TEST_ROWS, startId: MALL_ROWS + 1 }),
    },
    {
      name: files.creditCard,
      render: () => generateCreditCardCsv({ seed, rows: CREDIT_CARD_ROWS, startId: CREDIT_CARD_FIRST_ID }),
    },
    {
      name: files.creditCardTest,
      render: () =>
        generateCreditCardCsv({
          seed: deriveSeed(seed, 'test'),
          rows: CREDIT_CARD_TEST_ROWS,
          startId: CREDIT_CARD_FIRST_ID + CREDIT_CARD_ROWS,
        }),
    },
  ];

  const written: string[] = [];
  const skipped: string[] = [];
  for (const { name, render } of plan) {
    const path = join(dataDir, name);
    if (!opts.overwrite && (await fileExists(path))) {
      skipped.push(path);
      continue;
    }
    await writeFileAtomic(path, render());
    written.push(path);
  }
  return { written, skipped };
}
