/** Credit-card behaviour types: each its own log-normal limit, utilisation, purchase and cash-advance habits. */
import type { LogNormalSpec } from './random.js';

export interface CreditCardType {
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

type Parameter = Exclude<keyof CreditCardType, 'name'>;
type PerType<T> = readonly [T, T, T, T, T];

/** In the column order of TYPE_PARAMETERS. */
const TYPE_NAMES: PerType<string> = ['dormant', 'installment shopper', 'revolver', 'transactor', 'premium'];

/** One row per parameter, one column per type, so the types compare at a glance; log-normals are [median, sigma]. */
// prettier-ignore
const TYPE_PARAMETERS: { [P in Parameter]: PerType<CreditCardType[P]> } = {
  //                           dormant       installments  revolver      transactor    premium
  weight:                      [0.22,        0.28,         0.25,         0.17,         0.08],
  creditLimit:                 [[1500, 0.5], [3000, 0.5],  [5000, 0.5],  [7500, 0.45], [14000, 0.3]],
  utilisation:                 [[0.1, 1.0],  [0.15, 0.8],  [0.6, 0.35],  [0.12, 0.9],  [0.35, 0.5]],
  zeroBalanceProbability:      [0.15,        0.03,         0,            0.05,         0],
  purchaseProbability:         [0.5,         1,            0.52,         1,            1],
  purchases:                   [[110, 0.9],  [550, 0.8],   [220, 1.0],   [1500, 0.7],  [3500, 0.6]],
  oneoffOnlyProbability:       [0.4,         0.05,         0.45,         0.25,         0.15],
  installmentsOnlyProbability: [0.4,         0.6,          0.35,         0.05,         0.1],
  installmentShare:            [0.5,         0.75,         0.5,          0.35,         0.45],
  cashAdvanceProbability:      [0.35,        0.25,         0.95,         0.2,          0.4],
  cashAdvance:                 [[300, 0.8],  [400, 0.8],   [2000, 0.8],  [500, 0.8],   [1500, 0.8]],
  fullPayerProbability:        [0.3,         0.35,         0.03,         0.7,          0.4],
  fullPaymentMonthlyRate:      [0.4,         0.5,          0.2,          0.6,          0.4],
};

export const CREDIT_CARD_TYPES: readonly CreditCardType[] = TYPE_NAMES.map((name, index) => {
  const column = Object.entries(TYPE_PARAMETERS).map(([parameter, values]) => [parameter, values[index]]);
  // The table's type guarantees every parameter is there with the right type.
  return { name, ...(Object.fromEntries(column) as Omit<CreditCardType, 'name'>) };
});

/** Most accounts are a year old; the public data has a thin tail down to 6 months. */
export const TENURE_WEIGHTS: readonly { tenure: number; weight: number }[] = [
  { tenure: 12, weight: 0.85 },
  { tenure: 11, weight: 0.04 },
  { tenure: 10, weight: 0.026 },
  { tenure: 9, weight: 0.02 },
  { tenure: 8, weight: 0.022 },
  { tenure: 7, weight: 0.021 },
  { tenure: 6, weight: 0.021 },
];
