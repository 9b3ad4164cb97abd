/** A seeded synthetic loan table for the classifier benchmark when no real table is given. */
import { mulberry32 } from '../../src/ml/random.js';
import type { Table } from './table.js';

/** Standard normal via Box–Muller. */
function normal(rng: () => number): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

function poisson(rng: () => number, lambda: number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  for (let p = rng(); p > limit; p *= rng()) k++;
  return k;
}

/**
 * 10,000 × 30 loan-like table with a nonlinear signal (hinges, interactions, a U-shape, informative missingness),
 * ~29% positives, one-hot categoricals, skewed amounts and 9 pure-noise columns.
 */
export function syntheticLoans(n: number, seed: number): Table {
  const rng = mulberry32(seed);
  const features = [
    'credit_score', 'annual_income', 'loan_amount', 'debt_to_income', 'interest_rate', 'term_60m',
    'employment_years', 'open_accounts', 'delinquencies_2y', 'revolving_utilization', 'inquiries_6m', 'age',
    'home_rent', 'home_own', 'home_mortgage', 'purpose_debt_consolidation', 'purpose_credit_card',
    'purpose_home_improvement', 'purpose_other', 'has_cosigner', 'months_since_last_delinquency',
    ...Array.from({ length: 9 }, (_, k) => `noise_${k + 1}`),
  ]; // prettier-ignore
  const rows: number[][] = [];
  const logits: number[] = [];
  for (let i = 0; i < n; i++) {
    const creditScore = Math.min(850, Math.max(300, 690 + 65 * normal(rng)));
    const income = Math.exp(Math.log(62_000) + 0.5 * normal(rng));
    const loanAmount = Math.exp(Math.log(14_000) + 0.6 * normal(rng));
    const dti = Math.max(0, (0.25 * loanAmount) / income + 0.15 + 0.08 * normal(rng));
    const rate = Math.max(4, 26 - 0.02 * (creditScore - 300) + 2.5 * normal(rng));
    const term60 = rng() < 0.3 ? 1 : 0;
    const employmentMissing = rng() < 0.07;
    const employmentYears = Math.min(40, Math.floor(-6 * Math.log(1 - rng())));
    const openAccounts = poisson(rng, 8);
    const delinquencies = poisson(rng, 0.3 + (creditScore < 620 ? 0.6 : 0));
    const utilization = Math.min(1.3, Math.max(0, 0.45 + 0.25 * normal(rng) - 0.001 * (creditScore - 690)));
    const inquiries = poisson(rng, 1);
    const age = Math.round(Math.min(80, Math.max(21, 42 + 12 * normal(rng))));
    const home = rng();
    const [rent, own, mortgage] = home < 0.4 ? [1, 0, 0] : home < 0.55 ? [0, 1, 0] : [0, 0, 1];
    const purpose = rng();
    const purposes = [
      purpose < 0.45,
      purpose >= 0.45 && purpose < 0.7,
      purpose >= 0.7 && purpose < 0.82,
      purpose >= 0.82,
    ];
    const cosigner = rng() < 0.08 ? 1 : 0;
    const monthsSinceDelinquency =
      delinquencies > 0 ? Math.floor(rng() * 24) : rng() < 0.2 ? 24 + Math.floor(rng() * 60) : NaN;
    const noise = Array.from({ length: 9 }, (_, k) =>
      k < 3 ? 0.6 * normal(rng) + (0.4 * (rate - 14)) / 4 : normal(rng),
    );

    const logit =
      -0.022 * (creditScore - 690) +
      4 * Math.max(dti - 0.4, 0) +
      1.2 * dti +
      0.1 * (rate - 14) +
      0.55 * term60 +
      0.7 * term60 * (dti > 0.45 ? 1 : 0) +
      (employmentMissing ? 0.8 : employmentYears < 1 ? 0.35 : -0.01 * employmentYears) +
      0.35 * Math.min(delinquencies, 3) +
      0.6 * utilization +
      2 * Math.max(utilization - 0.85, 0) +
      0.12 * inquiries +
      0.0012 * (age - 45) ** 2 +
      0.35 * rent -
      0.2 * own +
      (purposes[1] ? -0.2 : purposes[3] ? 0.3 : 0) -
      0.6 * cosigner -
      0.45 * Math.log(income / 62_000) +
      (delinquencies > 0 && monthsSinceDelinquency < 6 ? 0.5 : 0);
    logits.push(logit);
    const row = [
      creditScore, rng() < 0.04 ? NaN : income, loanAmount, dti, rate, term60,
      employmentMissing ? NaN : employmentYears, openAccounts, delinquencies, utilization, inquiries, age,
      rent, own, mortgage, ...purposes.map(Number), cosigner, monthsSinceDelinquency, ...noise,
    ]; // prettier-ignore
    rows.push(row);
  }
  const intercept = interceptForRate(logits, 0.29);
  const labels = logits.map((z) => (rng() < 1 / (1 + Math.exp(-(z + intercept))) ? 1 : 0));
  return { source: `synthetic loans (${n} × ${features.length}, seed ${seed})`, features, rows, labels, dropped: [] };
}

/** Intercept making the mean predicted probability equal `rate` (bisection; the mean is monotone in it). */
function interceptForRate(logits: number[], rate: number): number {
  let lo = -20;
  let hi = 20;
  for (let iter = 0; iter < 100; iter++) {
    const mid = (lo + hi) / 2;
    const mean = logits.reduce((s, z) => s + 1 / (1 + Math.exp(-(z + mid))), 0) / logits.length;
    if (mean < rate) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
