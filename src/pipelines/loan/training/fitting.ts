/** Which loans train a candidate model and which test it. */
import { DataValidationError } from '../../../failures.js';
import { stratifiedSplit } from '../../../ml/split.js';
import type { GoldColumns } from '../features.js';
import type { LoanSplit } from './contract.js';

/** Training and test rows of the gold columns (ascending indices); bad split parameters are bad input. */
export function splitGold(gold: GoldColumns, split: LoanSplit): { train: Int32Array; test: Int32Array } {
  const sides = splitIndices(gold, split);
  // A side with one class cannot be fitted or scored (AUC is undefined): bad input, not worth a retry.
  for (const [name, rows] of Object.entries(sides)) {
    const defaults = defaultsAmong(gold, rows);
    if (defaults === 0 || defaults === rows.length) {
      throw new DataValidationError(
        `The split leaves the ${name} set (${rows.length} loans) with ${defaults === 0 ? 'no defaults' : 'only defaults'}: choose another ${split.kind === 'random' ? 'test fraction' : 'cut-off month'}`,
        { column: 'label' },
      );
    }
  }
  return sides;
}

function splitIndices(gold: GoldColumns, split: LoanSplit): { train: Int32Array; test: Int32Array } {
  if (split.kind === 'random') {
    const { train, test } = stratifiedSplit(gold.label, split.testFraction ?? 0.2, split.seed ?? 42);
    return { train: Int32Array.from(train), test: Int32Array.from(test) };
  }
  if (!split.cutoffMonth || !/^\d{4}-\d{2}$/.test(split.cutoffMonth)) {
    throw new DataValidationError(
      `An out-of-time split needs cutoffMonth as YYYY-MM, got "${split.cutoffMonth ?? ''}"`,
      {
        column: 'split.cutoffMonth',
      },
    );
  }
  // Loans that start before the cut-off month train; the rest test.
  const cutoff = Number(split.cutoffMonth.replace('-', ''));
  const train: number[] = [];
  const test: number[] = [];
  gold.snapshotMonth.forEach((month, i) => (month < cutoff ? train : test).push(i));
  if (train.length === 0 || test.length === 0) {
    throw new DataValidationError(
      `Out-of-time cut-off ${split.cutoffMonth} leaves ${train.length} training and ${test.length} test loans`,
      {},
    );
  }
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}

/** How many of the gold rows `rows` defaulted. */
function defaultsAmong(gold: GoldColumns, rows: Iterable<number>): number {
  let defaults = 0;
  for (const i of rows) defaults += gold.label[i] === 1 ? 1 : 0;
  return defaults;
}

/**
 * Positions within `train` of its latest months' loans (and the first of those months, YYYYMM), taken whole
 * month by month until they are at least `fraction` of `train`: boosting's early-stopping rows under an
 * out-of-time split, so that early stopping, like the test, measures the model on loans later than those it
 * fits (and copies of a loan, which share its start, stay on one side). Null when that slice would be half of
 * `train` or more, or holds one class only: then the fit keeps its stratified random slice.
 */
export function latestMonthsRows(
  gold: GoldColumns,
  train: Int32Array,
  fraction: number,
): { rows: Int32Array; fromMonth: number } | null {
  const loansPerMonth = new Map<number, number>();
  for (const i of train) loansPerMonth.set(gold.snapshotMonth[i], (loansPerMonth.get(gold.snapshotMonth[i]) ?? 0) + 1);
  const latestFirst = [...loansPerMonth.keys()].sort((a, b) => b - a);
  let firstHeldMonth = Number.POSITIVE_INFINITY;
  let held = 0;
  for (const month of latestFirst) {
    if (held >= fraction * train.length) break;
    held += loansPerMonth.get(month) ?? 0;
    firstHeldMonth = month;
  }
  if (held === 0 || held >= train.length / 2) return null;
  const positions: number[] = [];
  train.forEach((i, position) => {
    if (gold.snapshotMonth[i] >= firstHeldMonth) positions.push(position);
  });
  const defaults = defaultsAmong(
    gold,
    positions.map((position) => train[position]),
  );
  if (defaults === 0 || defaults === positions.length) return null;
  return { rows: Int32Array.from(positions), fromMonth: firstHeldMonth };
}
