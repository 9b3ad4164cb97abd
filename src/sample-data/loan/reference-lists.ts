/** The course files' categorical values and name fragments, for the loan customers' clean profiles. */

export const OCCUPATIONS = [
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

export const LOAN_TYPES = [
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

/** Weighted by their counts in the course file. */
export const PAYMENT_BEHAVIOURS = [
  { behaviour: 'Low_spent_Small_value_payments', weight: 3202 },
  { behaviour: 'High_spent_Medium_value_payments', weight: 2242 },
  { behaviour: 'Low_spent_Medium_value_payments', weight: 1686 },
  { behaviour: 'High_spent_Large_value_payments', weight: 1683 },
  { behaviour: 'High_spent_Small_value_payments', weight: 1389 },
  { behaviour: 'Low_spent_Large_value_payments', weight: 1300 },
] as const;

export const FIRST_NAMES = [
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

export const SURNAMES = [
  'Barr',
  'Dunai',
  'Hepher',
  'Wilson',
  'Nguyen',
  'Kelly',
  'Brown',
  'Ito',
  'Rao',
  'Lopez',
  'Smith',
];
