/** Value formats of the CS611 course files (written by pandas: Python float repr, ISO month dates). */
import { DataValidationError } from '../../failures.js';

/** First snapshot year of the course data; month indexes count from its January. */
const FIRST_YEAR = 2023;

/** Python's repr of a float: integers keep a `.0`, everything else is the shortest round-trip form. */
export function pyFloat(x: number): string {
  return Number.isInteger(x) ? x.toFixed(1) : String(x);
}

/** Money with cents, added the way the source data was: whole + cents, so float artefacts (…38999999998) appear. */
export function money(x: number): number {
  const whole = Math.floor(x);
  return whole + Math.round((x - whole) * 100) / 100;
}

/** Month index from 2023-01 → 'YYYY-MM-01'. */
export function monthDate(index: number): string {
  const year = FIRST_YEAR + Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${year}-${String(month).padStart(2, '0')}-01`;
}

/** 'YYYY-MM-01' (or 'YYYY-MM') → month index from 2023-01 (may be negative or beyond the data). */
export function monthIndexOf(date: string): number {
  const match = /^(\d{4})-(\d{2})(?:-01)?$/.exec(date);
  const month = match ? Number(match[2]) : 0;
  if (!match || month < 1 || month > 12) {
    throw new DataValidationError(`driftFromMonth must look like YYYY-MM-01, got "${date}"`, {
      column: 'driftFromMonth',
    });
  }
  return (Number(match[1]) - FIRST_YEAR) * 12 + month - 1;
}
