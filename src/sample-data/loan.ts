/**
 * Seeded generator of loan-default sample data shaped like the CS611 course CSVs: same four files,
 * same headers and column order, same number formats (Python-style floats such as `11.0`), and the
 * same kinds of dirt (ages like `40_` or `-500`, Occupation `_______`, Credit_Mix `_`, garbage SSNs,
 * `__10000__` placeholders, `!@9#%8` behaviours, absurd outliers...).
 *
 * Defaults are drawn from a logistic model of the (clean) features (Credit_Mix, Interest_Rate,
 * Outstanding_Debt, Num_Credit_Card, Delay_from_due_date, Num_of_Delayed_Payment, Age, savings ratio and
 * clickstream engagement via fe_10), so a model trained on the gold layer learns something real.
 *
 * `driftFromMonth`: customers whose loan starts from that month on are riskier across the bureau
 * features, get +5 points of interest and more debt, and save less; clickstream fe_2/fe_10 shift up
 * from that month on; and their defaults depend less on what the features show (interest rates stop
 * carrying information, a hidden factor takes over part of the risk). A model trained before the
 * drift month then sees a shifted score distribution (PSI well above 0.2) and a lower AUC.
 * Customers before the drift month are byte-identical with and without the option.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { clamp, expit } from '../ml/math.js';
import { mulberry32, type UniformRng as Rng } from '../ml/random.js';
import { writeFileAtomic } from '../storage/atomic-file.js';
import { DataValidationError } from '../failures.js';
import {
  ATTRIBUTES_COLUMNS,
  CLICKSTREAM_COLUMNS,
  FINANCIALS_COLUMNS,
  LMS_COLUMNS,
  RAW_TABLES,
  type LoanRawTable,
} from '../pipelines/loan/medallion/schemas.js';

export interface LoanSampleOptions {
  seed?: number;
  /** Number of customers (= loans); default 2000. */
  customers?: number;
  /** 'YYYY-MM-01': rows from this snapshot month on have shifted distributions and a weaker signal. */
  driftFromMonth?: string;
  /** 0..~2, default 1: how far features shift and how much of the signal is lost after the drift month. */
  driftStrength?: number;
}

export interface LoanSampleResult {
  files: Record<LoanRawTable, string>;
  rows: Record<LoanRawTable, number>;
}

/** First snapshot month of the course data; loans start in one of the 25 months 2023-01 … 2025-01. */
const FIRST_YEAR = 2023;
const LOAN_START_MONTHS = 25;
/** Clickstream covers 24 months (2023-01 … 2024-12) for ~72% of customers, as in the real file. */
const CLICKSTREAM_MONTHS = 24;
const CLICKSTREAM_SHARE = 0.718;
const TENURE = 10;
const LOAN_AMOUNT = 10000;
const DUE_AMOUNT = 1000;
/** Target default rates (30 dpd at mob 6) before and after the drift month. */
const DEFAULT_RATE = 0.285;
const DRIFTED_DEFAULT_RATE = 0.3;

// ---------------------------------------------------------------------------------------------
// Seeded randomness: mulberry32 streams, one per section and customer, so a seed always gives the same bytes.

/** Mixes a base seed with a stream index into an independent-looking 32-bit seed. */
function seedFor(seed: number, stream: number): number {
  let h = (seed ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * One stream per (section, customer): changing a section, or drifting some customers, never
 * reshuffles anyone else's values, so the drifted and undrifted data share the undrifted rows.
 */
function streamFor(seed: number, section: number, customer = 0): Rng {
  return mulberry32(seedFor(seedFor(seed, section), customer));
}

function normal(rng: Rng): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}

function intBetween(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}

function pickWeighted<T>(rng: Rng, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((sum, [, w]) => sum + w, 0);
  let r = rng() * total;
  for (const [item, weight] of items) {
    r -= weight;
    if (r < 0) return item;
  }
  return items[items.length - 1][0];
}

/** Folds values beyond a bound back inside (instead of clamping), so bounds do not pile up as spikes. */
function reflect(x: number, lo: number, hi: number): number {
  if (x > hi) return hi - ((hi - lo) / 2) * (1 - hi / x);
  if (x < lo) return Math.min(hi, lo + (lo - x));
  return x;
}
const clampRound = (x: number, lo: number, hi: number): number => clamp(Math.round(x), lo, hi);

// ---------------------------------------------------------------------------------------------
// Formatting like the course files (written by pandas: Python float repr, ISO dates).

/** Python's repr of a float: integers keep a `.0`, everything else is the shortest round-trip form. */
function pyFloat(x: number): string {
  return Number.isInteger(x) ? x.toFixed(1) : String(x);
}

/** Money with cents, added the way the source data was: whole + cents, so float artefacts (…38999999998) appear. */
function money(x: number): number {
  const whole = Math.floor(x);
  return whole + Math.round((x - whole) * 100) / 100;
}

function monthDate(index: number): string {
  const year = FIRST_YEAR + Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${year}-${String(month).padStart(2, '0')}-01`;
}

/** 'YYYY-MM-01' (or 'YYYY-MM') → month index from 2023-01 (may be negative or beyond the data). */
function monthIndexOf(date: string): number {
  const match = /^(\d{4})-(\d{2})(?:-01)?$/.exec(date);
  const month = match ? Number(match[2]) : 0;
  if (!match || month < 1 || month > 12) {
    throw new DataValidationError(`driftFromMonth must look like YYYY-MM-01, got "${date}"`, {
      column: 'driftFromMonth',
    });
  }
  return (Number(match[1]) - FIRST_YEAR) * 12 + month - 1;
}

/** CSV field with minimal quoting (Type_of_Loan holds commas). */
function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Plain code-unit order (not locale order), so the output bytes never depend on the machine. */
function compareText(a: string | undefined, b: string | undefined): number {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

function csvLine(fields: readonly string[]): string {
  return fields.map(csvField).join(',');
}

// ---------------------------------------------------------------------------------------------
// Customers and their clean profile.

const OCCUPATIONS = [
  'Lawyer',
  'Architect',
  'Engineer',
  'Accountant',
  'Scientist',
  'Teacher',
  'Mechanic',
  'Media_Manager',
  'Developer',
  'Entrepreneur',
  'Journalist',
  'Doctor',
  'Musician',
  'Manager',
  'Writer',
] as const;

const LOAN_TYPES = [
  'Not Specified',
  'Credit-Builder Loan',
  'Personal Loan',
  'Debt Consolidation Loan',
  'Student Loan',
  'Payday Loan',
  'Mortgage Loan',
  'Auto Loan',
  'Home Equity Loan',
] as const;

const PAYMENT_BEHAVIOURS = [
  ['Low_spent_Small_value_payments', 3202],
  ['High_spent_Medium_value_payments', 2242],
  ['Low_spent_Medium_value_payments', 1686],
  ['High_spent_Large_value_payments', 1683],
  ['High_spent_Small_value_payments', 1389],
  ['Low_spent_Large_value_payments', 1300],
] as const;

const FIRST_NAMES = [
  'Alistair',
  'Arunah',
  'Shirboni',
  'Aaron',
  'Ilaina',
  'Carlos',
  'Marton',
  'Tim',
  'Karen',
  'Philip',
  'Michele',
  'Francis',
  'Lesley',
  'Laura',
  'Sarah',
  'Simon',
  'David',
  'Chris',
  'Kevin',
  'Nina',
  'Jonathan',
  'Maria',
  'Ken',
  'Emily',
  'Rachel',
  'Peter',
  'Jessica',
  'Anna',
  'Deepa',
  'Yuki',
];

const SURNAMES = ['Barr', 'Dunai', 'Hepher', 'Wilson', 'Nguyen', 'Kelly', 'Brown', 'Ito', 'Rao', 'Lopez', 'Smith'];

type CreditMix = 'Good' | 'Standard' | 'Bad';

interface Profile {
  id: string;
  loanMonth: number;
  drifted: boolean;
  age: number;
  occupation: string;
  annualIncome: number;
  monthlySalary: number;
  bankAccounts: number;
  creditCards: number;
  interestRate: number;
  loans: number;
  loanTypes: string[];
  delayFromDue: number;
  delayedPayments: number;
  changedCreditLimit: number;
  creditInquiries: number;
  creditMix: CreditMix;
  outstandingDebt: number;
  utilization: number;
  historyMonths: number;
  paysMinimum: boolean;
  emi: number;
  invested: number;
  behaviour: string;
  balance: number;
  /** Digital engagement; visible in clickstream fe_10 (and a few others), lowers default risk. */
  engagement: number;
  hasClickstream: boolean;
  /** Logit of default without the intercept. */
  riskScore: number;
  defaults: boolean;
}

/** Unique random ids `CUS_0x…` (lower-case hex, no padding), sorted as strings like the course files. */
function customerIds(rng: Rng, count: number): string[] {
  const span = Math.max(0xffff - 0x100, count * 5);
  const seen = new Set<number>();
  while (seen.size < count) seen.add(0x100 + Math.floor(rng() * span));
  return [...seen].map((n) => `CUS_0x${n.toString(16)}`).sort();
}

interface DriftSettings {
  fromMonth: number;
  strength: number;
}

/** Clean features for one customer; `z` is a latent credit risk that correlates the bureau features. */
function drawProfile(rng: Rng, id: string, drift: DriftSettings): Omit<Profile, 'riskScore' | 'defaults'> {
  // Structure first (same draws whatever the drift), values after.
  const loanMonth = intBetween(rng, 0, LOAN_START_MONTHS - 1);
  const hasClickstream = rng() < CLICKSTREAM_SHARE;
  const engagement = normal(rng);
  const occupation = pick(rng, OCCUPATIONS);
  const drifted = loanMonth >= drift.fromMonth;
  const shift = drifted ? drift.strength : 0;
  const z = normal(rng) + 0.5 * shift;
  const age = clampRound(34 + 10.5 * normal(rng) - 1.5 * z, 14, 56);
  const annualIncome = money(reflect(Math.exp(Math.log(37500) - 0.15 * z + 0.78 * normal(rng)), 7005.93, 179987.28));
  // About half the salaries are exactly income / 12 (long decimals), the rest deviate and print with cents.
  const exactTwelfth = rng() < 0.45;
  const monthlySalary = exactTwelfth
    ? annualIncome / 12
    : money((annualIncome / 12) * clamp(1 + 0.1 * normal(rng), 0.7, 1.5));
  const loans = clampRound(3.4 + 1.4 * z + 1.9 * normal(rng), 0, 9);
  const mixScore = z + 0.75 * normal(rng);
  const emi =
    loans === 0 ? 0 : Math.min(Math.exp(Math.log(40) + 0.25 * loans + 0.8 * normal(rng)), 0.35 * monthlySalary);
  const savingsRatio = clamp(Math.exp(Math.log(0.045) - 0.3 * z + 0.65 * normal(rng) - 0.3 * shift), 0, 0.6);
  return {
    id,
    loanMonth,
    drifted,
    age,
    occupation,
    annualIncome,
    monthlySalary,
    bankAccounts: clampRound(5.4 + 1.6 * z + 2 * normal(rng), 0, 11),
    creditCards: clampRound(5.3 + 1.3 * z + 1.8 * normal(rng), 0, 11),
    interestRate: clampRound(14.5 + 6 * z + 5.5 * normal(rng) + 5 * shift, 1, 34),
    loans,
    loanTypes: Array.from({ length: loans }, () => pick(rng, LOAN_TYPES)),
    delayFromDue: clampRound(20 + 9 * z + 11 * normal(rng), -5, 67),
    delayedPayments: clampRound(13.5 + 3.5 * z + 5 * normal(rng), 0, 28),
    changedCreditLimit: money(clamp(9.8 + 3.2 * z + 6.5 * normal(rng), -6.49, 36.97)),
    creditInquiries: clampRound(6.3 + 2.4 * z + 3 * normal(rng), 0, 17),
    creditMix: mixScore > 0.89 ? 'Bad' : mixScore < -0.65 ? 'Good' : 'Standard',
    outstandingDebt: money(
      reflect(Math.exp(Math.log(1100) + 0.5 * z + 0.75 * normal(rng) + 0.4 * shift), 0.23, 4998.07),
    ),
    utilization: reflect(32.3 + 0.8 * z + 5.1 * normal(rng), 20.1, 48.2),
    historyMonths: clampRound((age - 16) * 12 * uniform(rng, 0.25, 0.95) - 25 * z + 20 * normal(rng), 1, 404),
    paysMinimum: 0.35 + 1.1 * z + normal(rng) > 0,
    emi,
    invested: savingsRatio * monthlySalary,
    behaviour: pickWeighted(rng, PAYMENT_BEHAVIOURS),
    balance: clamp(Math.exp(Math.log(340) + 0.5 * normal(rng)), 0.38, 1463.79),
    engagement,
    hasClickstream,
  };
}

const MIX_RISK: Record<CreditMix, number> = { Good: -1, Standard: 0, Bad: 1 };
/** Overall strength of the observable signal: tuned so a plain model reaches a test AUC of ~0.85. */
const SIGNAL = 1.3;

/**
 * Default logit (without intercept) from the clean features. After the drift month the observable
 * signal is damped, interest rates stop carrying information (they rose for everyone) and a hidden
 * factor no feature sees takes over part of the risk.
 */
function riskScoreOf(rng: Rng, p: Omit<Profile, 'riskScore' | 'defaults'>, drift: DriftSettings): number {
  const rateWeight = p.drifted ? 0.06 * Math.max(0, 1 - drift.strength) : 0.06;
  const observable =
    SIGNAL *
    (0.8 * MIX_RISK[p.creditMix] +
      rateWeight * (p.interestRate - 14.5) +
      0.5 * Math.log(p.outstandingDebt / 1100) +
      0.1 * (p.creditCards - 5.3) +
      0.02 * (p.delayFromDue - 20) +
      0.04 * (p.delayedPayments - 13.5) -
      0.03 * (p.age - 34) -
      0.4 * Math.log(Math.max(p.invested / p.monthlySalary, 0.002) / 0.045) -
      0.55 * p.engagement);
  const hidden = normal(rng);
  if (!p.drifted) return observable;
  const damp = Math.max(0.15, 1 - 0.55 * drift.strength);
  return damp * observable + 1.3 * drift.strength * hidden;
}

/** Intercept that makes the mean default probability equal `rate` (bisection; deterministic). */
function calibrateIntercept(scores: number[], rate: number): number {
  if (scores.length === 0) return 0;
  let lo = -20;
  let hi = 20;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    const mean = scores.reduce((sum, s) => sum + expit(s + mid), 0) / scores.length;
    if (mean < rate) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Sections of the seed space (see streamFor). */
const STREAM = {
  ids: 1,
  profile: 2,
  hidden: 3,
  outcome: 4,
  attributes: 5,
  financials: 6,
  clickstream: 7,
  lms: 8,
} as const;

const NO_DRIFT: DriftSettings = { fromMonth: Number.POSITIVE_INFINITY, strength: 0 };

function drawProfiles(seed: number, count: number, drift: DriftSettings): Profile[] {
  const ids = customerIds(streamFor(seed, STREAM.ids), count);
  const draw = (settings: DriftSettings) => {
    const profiles = ids.map((id, i) => drawProfile(streamFor(seed, STREAM.profile, i), id, settings));
    const scores = profiles.map((p, i) => riskScoreOf(streamFor(seed, STREAM.hidden, i), p, settings));
    return { profiles, scores };
  };
  const { profiles: partial, scores } = draw(drift);
  // The pre-drift intercept comes from the undrifted population, so undrifted customers get exactly
  // the same outcomes with or without a drift option.
  const baselineScores = drift.fromMonth === NO_DRIFT.fromMonth ? scores : draw(NO_DRIFT).scores;
  const before = calibrateIntercept(baselineScores, DEFAULT_RATE);
  const after = calibrateIntercept(
    scores.filter((_, i) => partial[i].drifted),
    DRIFTED_DEFAULT_RATE,
  );
  return partial.map((p, i) => {
    const riskScore = scores[i];
    const probability = expit(riskScore + (p.drifted ? after : before));
    return { ...p, riskScore, defaults: streamFor(seed, STREAM.outcome, i)() < probability };
  });
}

// ---------------------------------------------------------------------------------------------
// Dirt, at roughly the rates found in the course files.

function dirtyAge(rng: Rng, age: number): string {
  const r = rng();
  if (r < 0.0083) return '-500';
  if (r < 0.0255) {
    const absurd = String(intBetween(rng, 101, 8700));
    return rng() < 0.15 ? `${absurd}_` : absurd;
  }
  if (r < 0.0765) return `${age}_`;
  return String(age);
}

function personName(rng: Rng): string {
  const trailing = (): string => (rng() < 0.6 ? String.fromCharCode(97 + Math.floor(rng() * 26)) : '');
  const first = `${pick(rng, FIRST_NAMES)}${trailing()}`;
  return rng() < 0.4 ? `${first} ${pick(rng, SURNAMES)}${trailing()}` : first;
}

function ssn(rng: Rng): string {
  if (rng() < 0.056) return '#F%$D@*&8';
  const digits = (n: number): string => String(Math.floor(rng() * 10 ** n)).padStart(n, '0');
  return `${digits(3)}-${digits(2)}-${digits(4)}`;
}

/** A `_` appended to the printed value with probability `rate` (the course data's favourite dirt). */
function underscoreSuffix(rng: Rng, text: string, rate: number): string {
  return rng() < rate ? `${text}_` : text;
}

/** A clean integer, or with probability `rate` an absurd outlier in [lo, hi]. */
function withOutlier(rng: Rng, value: number, rate: number, lo: number, hi: number): number {
  return rng() < rate ? intBetween(rng, lo, hi) : value;
}

function typeOfLoan(types: string[]): string {
  if (types.length <= 1) return types[0] ?? '';
  return `${types.slice(0, -1).join(', ')}, and ${types[types.length - 1]}`;
}

function numOfLoanText(rng: Rng, loans: number): string {
  const r = rng();
  if (r < 0.04) return '-100';
  if (r < 0.045) return String(intBetween(rng, 18, 1495));
  return underscoreSuffix(rng, String(loans), 0.05);
}

function delayedPaymentsText(rng: Rng, count: number): string {
  const r = rng();
  let value = count;
  if (r < 0.007) value = -intBetween(rng, 1, 3);
  else if (r < 0.015) value = intBetween(rng, 47, 4293);
  return underscoreSuffix(rng, String(value), 0.03);
}

function annualIncomeText(rng: Rng, income: number): string {
  if (rng() < 0.009) return pyFloat(intBetween(rng, 344983, 23834698));
  return underscoreSuffix(rng, pyFloat(income), 0.069);
}

function emiText(rng: Rng, emi: number): string {
  return pyFloat(rng() < 0.032 ? money(uniform(rng, 1689, 81971)) : emi);
}

function creditHistoryText(rng: Rng, months: number): string {
  // The course file has no blanks here, but a few are kept so the NULL path is exercised.
  if (rng() < 0.01) return '';
  return `${Math.floor(months / 12)} Years and ${months % 12} Months`;
}

function attributesRow(rng: Rng, p: Profile): string[] {
  const occupation = rng() < 0.07 ? '_______' : p.occupation;
  return [p.id, personName(rng), dirtyAge(rng, p.age), ssn(rng), occupation, monthDate(p.loanMonth)];
}

function financialsRow(rng: Rng, p: Profile): string[] {
  const bankAccounts = rng() < 0.0003 ? -1 : withOutlier(rng, p.bankAccounts, 0.013, 26, 1756);
  return [
    p.id,
    annualIncomeText(rng, p.annualIncome),
    pyFloat(p.monthlySalary),
    String(bankAccounts),
    String(withOutlier(rng, p.creditCards, 0.024, 21, 1499)),
    String(withOutlier(rng, p.interestRate, 0.022, 99, 5789)),
    numOfLoanText(rng, p.loans),
    typeOfLoan(p.loanTypes),
    String(p.delayFromDue),
    delayedPaymentsText(rng, p.delayedPayments),
    rng() < 0.02 ? '_' : pyFloat(p.changedCreditLimit),
    pyFloat(withOutlier(rng, p.creditInquiries, 0.015, 26, 2554)),
    rng() < 0.21 ? '_' : p.creditMix,
    underscoreSuffix(rng, pyFloat(p.outstandingDebt), 0.011),
    pyFloat(p.utilization),
    creditHistoryText(rng, p.historyMonths),
    rng() < 0.115 ? 'NM' : p.paysMinimum ? 'Yes' : 'No',
    emiText(rng, p.emi),
    rng() < 0.045 ? '__10000__' : pyFloat(p.invested),
    rng() < 0.08 ? '!@9#%8' : p.behaviour,
    rng() < 0.0001 ? '__-333333333333333333333333333__' : pyFloat(p.balance),
    monthDate(p.loanMonth),
  ];
}

// ---------------------------------------------------------------------------------------------
// Clickstream: fe_1..fe_20 monthly, ~N(100, 100) like the course file; fe_10 (and fe_9, fe_4)
// carry the engagement signal. After a defaulter's loan start fe_10 jumps, so any aggregation that
// looks past the application date would leak the label (a trap the gold layer must avoid).

const FE_BASE = [101, 103, 104, 106, 107, 103, 107, 111, 114, 118, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100];
const FE_ENGAGEMENT_LOAD = [0, 0, 0, 0.4, 0, 0, 0, 0, -0.6, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
/** Month-to-month noise; with the engagement term the spread stays close to the real ~100. */
const FE_NOISE_SD = 92;
const CLICKSTREAM_ID = CLICKSTREAM_COLUMNS.indexOf('Customer_ID');
const CLICKSTREAM_DATE = CLICKSTREAM_COLUMNS.indexOf('snapshot_date');

function clickstreamRow(rng: Rng, p: Profile, month: number, drift: DriftSettings): string[] {
  const shift = month >= drift.fromMonth ? drift.strength : 0;
  const values = FE_BASE.map((base, i) => {
    const signal = 45 * FE_ENGAGEMENT_LOAD[i] * p.engagement;
    let value = base + signal + FE_NOISE_SD * normal(rng);
    if (i === 9 && p.defaults && month > p.loanMonth) value += 60;
    if (i === 9 || i === 1) value += 35 * shift;
    return String(Math.round(value));
  });
  return [...values, p.id, monthDate(month)];
}

// ---------------------------------------------------------------------------------------------
// LMS: 11 rows per loan. Good payers pay every installment; defaulters stop paying at month 1-5,
// sometimes after one missed-then-caught-up installment (the patterns seen in the course file).

type Payment = 'paid' | 'missed' | 'catch-up';

function paymentPlan(rng: Rng, defaults: boolean): Payment[] {
  const plan: Payment[] = Array.from({ length: TENURE }, () => 'paid');
  if (!defaults) return plan;
  const stop = pickWeighted(rng, [
    [1, 0.06],
    [2, 0.3],
    [3, 0.42],
    [4, 0.18],
    [5, 0.04],
  ] as const);
  for (let m = stop; m <= TENURE; m++) plan[m - 1] = 'missed';
  if (stop >= 3 && rng() < 0.35) {
    const miss = intBetween(rng, 1, stop - 2);
    plan[miss - 1] = 'missed';
    plan[miss] = 'catch-up';
  }
  return plan;
}

function lmsRows(rng: Rng, p: Profile): string[][] {
  const start = monthDate(p.loanMonth);
  const loanId = `${p.id}_${start.replace(/-/g, '_')}`;
  const rows: string[][] = [];
  let overdue = 0;
  let balance = LOAN_AMOUNT;
  const plan = paymentPlan(rng, p.defaults);
  for (let installment = 0; installment <= TENURE; installment++) {
    const due = installment === 0 ? 0 : DUE_AMOUNT;
    const step = installment === 0 ? 'paid' : plan[installment - 1];
    const paid = installment === 0 || step === 'missed' ? 0 : step === 'catch-up' ? due + overdue : due;
    overdue = overdue + due - paid;
    balance -= paid;
    rows.push([
      loanId,
      p.id,
      start,
      String(TENURE),
      String(installment),
      String(LOAN_AMOUNT),
      pyFloat(due),
      pyFloat(paid),
      pyFloat(overdue),
      pyFloat(balance),
      monthDate(p.loanMonth + installment),
    ]);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------

async function writeCsvAtomic(path: string, header: readonly string[], rows: string[][]): Promise<void> {
  await writeFileAtomic(path, `${[csvLine(header), ...rows.map(csvLine)].join('\n')}\n`);
}

function resolveOptions(opts: LoanSampleOptions): { seed: number; customers: number; drift: DriftSettings } {
  const seed = opts.seed ?? 42;
  const customers = opts.customers ?? 2000;
  if (!Number.isInteger(customers) || customers < 1) {
    throw new DataValidationError(`customers must be a positive integer, got ${customers}`, { column: 'customers' });
  }
  const strength = opts.driftStrength ?? 1;
  if (!(strength >= 0 && strength <= 3)) {
    throw new DataValidationError(`driftStrength must be within 0..3, got ${strength}`, { column: 'driftStrength' });
  }
  const fromMonth = opts.driftFromMonth === undefined ? Number.POSITIVE_INFINITY : monthIndexOf(opts.driftFromMonth);
  return { seed, customers, drift: { fromMonth, strength } };
}

/** Writes the four raw CSVs into `dir` (created if needed); same seed and options → same bytes. */
export async function writeLoanSampleData(dir: string, opts: LoanSampleOptions = {}): Promise<LoanSampleResult> {
  const { seed, customers, drift } = resolveOptions(opts);
  const profiles = drawProfiles(seed, customers, drift);
  const rowsOf = (section: number, build: (rng: Rng, p: Profile) => string[][]): string[][] =>
    profiles.flatMap((p, i) => build(streamFor(seed, section, i), p));
  const clickstream = rowsOf(STREAM.clickstream, (rng, p) =>
    p.hasClickstream
      ? Array.from({ length: CLICKSTREAM_MONTHS }, (_, month) => clickstreamRow(rng, p, month, drift))
      : [],
  );
  // The course file lists clickstream month by month.
  clickstream.sort(
    (a, b) =>
      compareText(a[CLICKSTREAM_DATE], b[CLICKSTREAM_DATE]) || compareText(a[CLICKSTREAM_ID], b[CLICKSTREAM_ID]),
  );
  const tables: Record<LoanRawTable, { header: readonly string[]; rows: string[][] }> = {
    features_attributes: {
      header: ATTRIBUTES_COLUMNS,
      rows: rowsOf(STREAM.attributes, (rng, p) => [attributesRow(rng, p)]),
    },
    features_financials: {
      header: FINANCIALS_COLUMNS,
      rows: rowsOf(STREAM.financials, (rng, p) => [financialsRow(rng, p)]),
    },
    feature_clickstream: { header: CLICKSTREAM_COLUMNS, rows: clickstream },
    lms_loan_daily: { header: LMS_COLUMNS, rows: rowsOf(STREAM.lms, lmsRows) },
  };

  await mkdir(dir, { recursive: true });
  const files = {} as Record<LoanRawTable, string>;
  const rows = {} as Record<LoanRawTable, number>;
  for (const [table, content] of Object.entries(tables) as [LoanRawTable, (typeof tables)[LoanRawTable]][]) {
    const path = join(dir, RAW_TABLES[table].file);
    await writeCsvAtomic(path, content.header, content.rows);
    files[table] = path;
    rows[table] = content.rows.length;
  }
  return { files, rows };
}
