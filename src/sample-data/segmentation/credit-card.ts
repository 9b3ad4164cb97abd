/** Credit-card customers CSV: each row drawn from a behaviour type, so BALANCE, PURCHASES and CREDIT_LIMIT cluster. */
import { clamp } from '../../ml/math.js';
import { csvLine, csvText } from '../csv.js';
import { intBetween, pickWeighted } from '../draws.js';
import { CREDIT_CARD_TYPES, TENURE_WEIGHTS, type CreditCardType } from './credit-card-types.js';
import { assertGeneratorOptions, type GeneratorOptions } from './generator-options.js';
import {
  binomial,
  boundedLogNormal,
  createRng,
  deriveSeed,
  logNormal,
  segmentPerRow,
  truncatedNormal,
  type LogNormalSpec,
  type SegmentationRng,
} from './random.js';

export const CREDIT_CARD_FIRST_ID = 10001;

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

/** The public data's maxima (BALANCE 19,043, PURCHASES 49,040): the generated tails reach them. */
const MAX_BALANCE = 19043;
const MAX_PURCHASES = 49040;
const MAX_CASH_ADVANCE = 47000;
const MAX_CREDIT_LIMIT = 30000;
const MAX_PAYMENTS = 50000;
/** Share of credit limits (of 1,000 or more) rounded to 500s. */
const ROUND_LIMIT_SHARE = 0.84;
/** Customers whose purchases come from a log-uniform tail between the bounds instead of their type's log-normal. */
const BIG_SPENDER_PROBABILITY = 0.005;
const BIG_SPENDER_RANGE = [9000, MAX_PURCHASES] as const;
/** Typical ticket sizes, which turn amounts into transaction counts. */
const ONEOFF_TICKET: LogNormalSpec = [150, 0.5];
const INSTALLMENT_TICKET: LogNormalSpec = [60, 0.4];
const CASH_ADVANCE_TICKET: LogNormalSpec = [350, 0.6];
/** Payments as a multiple of the month's activity. */
const PAYMENT_RATIO: LogNormalSpec = [0.9, 0.45];
/** Scatter of MINIMUM_PAYMENTS around its expected value. */
const MINIMUM_PAYMENT_SPREAD: LogNormalSpec = [1, 0.6];
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

/**
 * Real limits are round numbers: 82% of them multiples of 500 (205 distinct values in 8,950 rows); the rest are
 * 50s below 1,000 and 100s above.
 */
function roundCreditLimit(rng: SegmentationRng, raw: number): number {
  const draw = rng.uniform();
  const step = raw >= 1000 && draw < ROUND_LIMIT_SHARE ? 500 : raw < 1000 ? 50 : 100;
  return clamp(Math.round(raw / step) * step, 50, MAX_CREDIT_LIMIT);
}

/** Share of the tenure's months with some activity, as the public data reports it (k / tenure). */
function monthShare(months: number, tenure: number): number {
  return Number((months / tenure).toFixed(6));
}

/** A type's log-normal purchases, and now and then a big spender far out in the tail (PURCHASES' skew of ~8). */
function samplePurchases(rng: SegmentationRng, type: CreditCardType): number {
  if (rng.uniform() < BIG_SPENDER_PROBABILITY) {
    const [low, high] = BIG_SPENDER_RANGE;
    return low * Math.exp(rng.uniform() * Math.log(high / low));
  }
  return boundedLogNormal(rng, type.purchases, MAX_PURCHASES);
}

function sampleInstallmentShare(rng: SegmentationRng, type: CreditCardType): number {
  const draw = rng.uniform();
  if (draw < type.oneoffOnlyProbability) return 0;
  if (draw < type.oneoffOnlyProbability + type.installmentsOnlyProbability) return 1;
  return truncatedNormal(rng, type.installmentShare, 0.2, 0.05, 0.95);
}

/** Transactions from spend and a typical ticket size; at least one when anything was spent. */
function transactionCount(rng: SegmentationRng, amount: number, ticket: LogNormalSpec, max: number): number {
  if (amount <= 0) return 0;
  return clamp(Math.round(amount / logNormal(rng, ticket)), 1, max);
}

/** Months with at least one transaction; spending tends to recur, so bias towards one a month. */
function activeMonths(rng: SegmentationRng, transactions: number, tenure: number): number {
  if (transactions === 0) return 0;
  const most = Math.min(tenure, transactions);
  return intBetween(rng.uniform, Math.ceil(most / 2), most);
}

function sampleCreditCardRecord(rng: SegmentationRng, type: CreditCardType): CreditCardRecord {
  const tenure = pickWeighted(rng.uniform, TENURE_WEIGHTS).tenure;
  const creditLimit = roundCreditLimit(rng, boundedLogNormal(rng, type.creditLimit, MAX_CREDIT_LIMIT));

  const hasBalance = rng.uniform() >= type.zeroBalanceProbability;
  // Balances may run slightly over the limit, as in the public data.
  const balance = hasBalance
    ? creditLimit * boundedLogNormal(rng, type.utilisation, Math.min(1.15, MAX_BALANCE / creditLimit))
    : 0;
  const balanceMonths = hasBalance
    ? rng.uniform() < 0.75
      ? tenure
      : intBetween(rng.uniform, Math.ceil(tenure / 2), tenure)
    : intBetween(rng.uniform, 0, tenure);

  // Whole cents, split into one-off and installments so ONEOFF + INSTALLMENTS = PURCHASES exactly.
  const purchasesCents =
    rng.uniform() < type.purchaseProbability ? Math.max(100, Math.round(samplePurchases(rng, type) * 100)) : 0;
  const installmentsCents = Math.round(purchasesCents * sampleInstallmentShare(rng, type));
  const oneoffCents = purchasesCents - installmentsCents;
  const oneoffTrx = transactionCount(rng, oneoffCents / 100, ONEOFF_TICKET, 200);
  const installmentsTrx = transactionCount(rng, installmentsCents / 100, INSTALLMENT_TICKET, 200);
  const oneoffMonths = activeMonths(rng, oneoffTrx, tenure);
  const installmentsMonths = activeMonths(rng, installmentsTrx, tenure);
  const purchaseMonths =
    purchasesCents === 0
      ? 0
      : intBetween(
          rng.uniform,
          Math.max(oneoffMonths, installmentsMonths),
          Math.min(tenure, oneoffMonths + installmentsMonths),
        );

  const cashAdvance =
    rng.uniform() < type.cashAdvanceProbability ? boundedLogNormal(rng, type.cashAdvance, MAX_CASH_ADVANCE) : 0;
  const cashAdvanceTrx = transactionCount(rng, cashAdvance, CASH_ADVANCE_TICKET, 120);
  const cashAdvanceMonths = activeMonths(rng, cashAdvanceTrx, tenure);

  const paysNothing = rng.uniform() < ZERO_PAYMENTS_PROBABILITY;
  const activity = purchasesCents / 100 + cashAdvance + 0.25 * balance;
  const payments =
    paysNothing || activity === 0 ? 0 : activity * boundedLogNormal(rng, PAYMENT_RATIO, MAX_PAYMENTS / activity);
  const minimumBlank = rng.uniform() < (paysNothing ? BLANK_MINIMUM_IF_NO_PAYMENTS : BLANK_MINIMUM_OTHERWISE);
  const minimumPayments = minimumBlank
    ? null
    : Math.max(0.019, (0.3 * balance + 30) * logNormal(rng, MINIMUM_PAYMENT_SPREAD));

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

/** Fixed-point text without trailing zeros or exponents, like the public CSVs ("95.4", "0", "0.083333"). */
function formatDecimal(value: number, digits: number): string {
  return String(Number(value.toFixed(digits)));
}

function formatCents(cents: number): string {
  return formatDecimal(cents / 100, 2);
}

function formatCreditCardRow(id: number, record: CreditCardRecord): string {
  return csvLine([
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
  ]);
}

/** One blank CREDIT_LIMIT per ~5,000 rows (the public data has one), but at least one in any file of 10+ rows. */
function blankCreditLimitCount(rows: number): number {
  return rows < 10 ? 0 : Math.max(1, Math.round(rows / 5000));
}

function pickDistinctIndices(rng: SegmentationRng, count: number, size: number): Set<number> {
  const picked = new Set<number>();
  while (picked.size < Math.min(count, size)) picked.add(intBetween(rng.uniform, 0, size - 1));
  return picked;
}

/** Credit-card customers CSV (LF line endings, final newline). IDs are `C<startId + i>`, startId default 10001. */
export function generateCreditCardCsv(opts: GeneratorOptions): string {
  assertGeneratorOptions(opts);
  const rng = createRng(deriveSeed(opts.seed, 'credit_card'));
  const types = segmentPerRow(rng, CREDIT_CARD_TYPES, opts.rows);
  const blankLimitRows = pickDistinctIndices(rng, blankCreditLimitCount(opts.rows), opts.rows);
  const startId = opts.startId ?? CREDIT_CARD_FIRST_ID;
  const rows = types.map((type, index) => {
    const record = sampleCreditCardRecord(rng, type);
    const withBlanks = blankLimitRows.has(index) ? { ...record, creditLimit: null } : record;
    return formatCreditCardRow(startId + index, withBlanks);
  });
  return csvText(CREDIT_CARD_HEADER, rows);
}
