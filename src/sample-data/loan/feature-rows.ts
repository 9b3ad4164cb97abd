/** One customer's row in features_attributes.csv and in features_financials.csv, dirt included. */
import type { UniformRng } from '../../ml/random.js';
import {
  annualIncomeText,
  creditHistoryText,
  delayedPaymentsText,
  dirtyAge,
  emiText,
  numOfLoanText,
  personName,
  ssn,
  typeOfLoan,
  underscoreSuffix,
  withOutlier,
} from './dirt.js';
import { monthDate, pyFloat } from './format.js';
import type { Profile } from './profile.js';

export function attributesRow(rng: UniformRng, p: Profile): string[] {
  const occupation = rng() < 0.07 ? '_______' : p.occupation;
  return [p.id, personName(rng), dirtyAge(rng, p.age), ssn(rng), occupation, monthDate(p.loanMonth)];
}

export function financialsRow(rng: UniformRng, p: Profile): string[] {
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
