/** A loan customer's clean profile: the features before dirt, correlated through a latent credit risk. */
import { clamp } from '../../ml/math.js';
import { randomInt, type UniformRng } from '../../ml/random.js';
import { intBetween, pick, pickWeighted, standardNormal as normal, uniform } from '../draws.js';
import { money } from './format.js';
import { LOAN_TYPES, OCCUPATIONS, PAYMENT_BEHAVIOURS } from './reference-lists.js';

/** Loans start in one of the 25 months 2023-01 … 2025-01. */
const LOAN_START_MONTHS = 25;
/** About 72% of customers have clickstream, as in the real file. */
const CLICKSTREAM_SHARE = 0.718;

export type CreditMix = 'Good' | 'Standard' | 'Bad';

export interface DriftSettings {
  /** Month index (from 2023-01) from which loans drift; +Infinity for none. */
  fromMonth: number;
  strength: number;
}

export const NO_DRIFT: DriftSettings = { fromMonth: Number.POSITIVE_INFINITY, strength: 0 };

export interface Profile {
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

/** A profile before its default outcome is drawn. */
export type Features = Omit<Profile, 'riskScore' | 'defaults'>;

/** Unique random ids `CUS_0x…` (lower-case hex, no padding), sorted as strings like the course files. */
export function customerIds(rng: UniformRng, count: number): string[] {
  const span = Math.max(0xffff - 0x100, count * 5);
  const seen = new Set<number>();
  while (seen.size < count) seen.add(0x100 + randomInt(rng, span));
  return [...seen].map((n) => `CUS_0x${n.toString(16)}`).sort();
}

/** Folds values beyond a bound back inside (instead of clamping), so bounds do not pile up as spikes. */
function reflect(x: number, lo: number, hi: number): number {
  if (x > hi) return hi - ((hi - lo) / 2) * (1 - hi / x);
  if (x < lo) return Math.min(hi, lo + (lo - x));
  return x;
}

const clampRound = (x: number, lo: number, hi: number): number => clamp(Math.round(x), lo, hi);

/** Clean features for one customer; `z` is a latent credit risk that correlates the bureau features. */
export function drawFeatures(rng: UniformRng, id: string, drift: DriftSettings): Features {
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
    behaviour: pickWeighted(rng, PAYMENT_BEHAVIOURS).behaviour,
    balance: clamp(Math.exp(Math.log(340) + 0.5 * normal(rng)), 0.38, 1463.79),
    engagement,
    hasClickstream,
  };
}
