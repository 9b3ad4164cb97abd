/** lms_loan_daily.csv rows: 11 per loan, from the application month to the last of 10 installments. */
import type { UniformRng } from '../../ml/random.js';
import { intBetween, pickWeighted } from '../draws.js';
import { monthDate, pyFloat } from './format.js';
import type { Profile } from './profile.js';

const TENURE = 10;
const LOAN_AMOUNT = 10000;
const DUE_AMOUNT = 1000;
/** The installment from which defaulters stop paying, weighted as in the course file. */
const STOP_WEIGHTS = [
  { stop: 1, weight: 0.06 },
  { stop: 2, weight: 0.3 },
  { stop: 3, weight: 0.42 },
  { stop: 4, weight: 0.18 },
  { stop: 5, weight: 0.04 },
] as const;

type Payment = 'paid' | 'missed' | 'catch-up';

/**
 * Good payers pay every installment; defaulters stop paying at month 1-5, sometimes after one
 * missed-then-caught-up installment (the patterns seen in the course file).
 */
function paymentPlan(rng: UniformRng, defaults: boolean): Payment[] {
  const plan: Payment[] = Array.from({ length: TENURE }, () => 'paid');
  if (!defaults) return plan;
  const { stop } = pickWeighted(rng, STOP_WEIGHTS);
  for (let m = stop; m <= TENURE; m++) plan[m - 1] = 'missed';
  if (stop >= 3 && rng() < 0.35) {
    const miss = intBetween(rng, 1, stop - 2);
    plan[miss - 1] = 'missed';
    plan[miss] = 'catch-up';
  }
  return plan;
}

export function lmsRows(rng: UniformRng, p: Profile): string[][] {
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
