/** The course files' dirt, drawn at roughly the rates found there: each helper prints one value, dirty or clean. */
import { randomInt, type UniformRng } from '../../ml/random.js';
import { intBetween, pick, uniform } from '../draws.js';
import { money, pyFloat } from './format.js';
import { FIRST_NAMES, SURNAMES } from './reference-lists.js';

/** A `_` appended to the printed value with probability `rate` (the course data's favourite dirt). */
export function underscoreSuffix(rng: UniformRng, text: string, rate: number): string {
  return rng() < rate ? `${text}_` : text;
}

/** A clean integer, or with probability `rate` an absurd outlier in [lo, hi]. */
export function withOutlier(rng: UniformRng, value: number, rate: number, lo: number, hi: number): number {
  return rng() < rate ? intBetween(rng, lo, hi) : value;
}

export function dirtyAge(rng: UniformRng, age: number): string {
  const r = rng();
  if (r < 0.0083) return '-500';
  if (r < 0.0255) {
    const absurd = String(intBetween(rng, 101, 8700));
    return rng() < 0.15 ? `${absurd}_` : absurd;
  }
  if (r < 0.0765) return `${age}_`;
  return String(age);
}

/** Name, often with a stray trailing letter, sometimes with a surname. */
export function personName(rng: UniformRng): string {
  const trailing = (): string => (rng() < 0.6 ? String.fromCharCode(97 + randomInt(rng, 26)) : '');
  const first = `${pick(rng, FIRST_NAMES)}${trailing()}`;
  return rng() < 0.4 ? `${first} ${pick(rng, SURNAMES)}${trailing()}` : first;
}

export function ssn(rng: UniformRng): string {
  if (rng() < 0.056) return '#F%$D@*&8';
  const digits = (n: number): string => String(randomInt(rng, 10 ** n)).padStart(n, '0');
  return `${digits(3)}-${digits(2)}-${digits(4)}`;
}

/** The course file's list style: "A, B, and C". */
export function typeOfLoan(types: string[]): string {
  if (types.length <= 1) return types[0] ?? '';
  return `${types.slice(0, -1).join(', ')}, and ${types[types.length - 1]}`;
}

export function numOfLoanText(rng: UniformRng, loans: number): string {
  const r = rng();
  if (r < 0.04) return '-100';
  if (r < 0.045) return String(intBetween(rng, 18, 1495));
  return underscoreSuffix(rng, String(loans), 0.05);
}

export function delayedPaymentsText(rng: UniformRng, count: number): string {
  const r = rng();
  let value = count;
  if (r < 0.007) value = -intBetween(rng, 1, 3);
  else if (r < 0.015) value = intBetween(rng, 47, 4293);
  return underscoreSuffix(rng, String(value), 0.03);
}

export function annualIncomeText(rng: UniformRng, income: number): string {
  if (rng() < 0.009) return pyFloat(intBetween(rng, 344983, 23834698));
  return underscoreSuffix(rng, pyFloat(income), 0.069);
}

export function emiText(rng: UniformRng, emi: number): string {
  return pyFloat(rng() < 0.032 ? money(uniform(rng, 1689, 81971)) : emi);
}

export function creditHistoryText(rng: UniformRng, months: number): string {
  // The course file has no blanks here, but a few are kept so the NULL path is exercised.
  if (rng() < 0.01) return '';
  return `${Math.floor(months / 12)} Years and ${months % 12} Months`;
}
