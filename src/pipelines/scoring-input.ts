/**
 * The rows a predict request scores, in either shape the API takes: rows keyed by column name
 * (`{rows: [{Age: 41, …}, …]}`) or columns (`{columns: {Age: [41, …], …}}`, pandas' `to_dict('list')`). The
 * scorers read one column at a time, so both shapes become the same thing: a value array per column name.
 * Columns are the cheaper shape for large batches: no key repeated per row, a third of the bytes of the loan
 * rows' JSON, half the parse time, and no per-row property lookups.
 */
import { DataValidationError } from '../failures.js';

export interface ScoringInput {
  readonly nRows: number;
  /** The column's values, one per row (undefined where a row lacks it); undefined when the input has no such column. */
  column(name: string): readonly unknown[] | undefined;
}

/** The request body's two shapes: exactly one is given. */
export interface ScoringBody {
  rows?: readonly object[];
  columns?: Readonly<Record<string, readonly unknown[]>>;
}

/**
 * Rows turned into columns in one pass, on the first column asked for: each row's keys walked in order, which
 * for rows of one shape (JSON.parse gives them one hidden class) reads like an array. Looking every name up in
 * every row instead, with a key that changes per column, took 1.16 against 0.81 ms for 1,000 rows of 57
 * columns. A cell a row lacks reads undefined (a hole); a column no row has is undefined, as in `columns`.
 */
export function rowsInput(rows: readonly object[]): ScoringInput {
  let columns: Map<string, unknown[]> | undefined;
  const transpose = (): Map<string, unknown[]> => {
    const byName = new Map<string, unknown[]>();
    const n = rows.length;
    for (let i = 0; i < n; i++) {
      const row = rows[i] as Record<string, unknown>;
      for (const name in row) {
        let values = byName.get(name);
        if (values === undefined) byName.set(name, (values = new Array<unknown>(n)));
        values[i] = row[name];
      }
    }
    return byName;
  };
  return {
    nRows: rows.length,
    column: (name) => (columns ??= transpose()).get(name),
  };
}

/** Columns of one length (the row count); a column of another length is bad input, named. */
export function columnsInput(columns: Readonly<Record<string, readonly unknown[]>>): ScoringInput {
  const names = Object.keys(columns);
  if (names.length === 0) throw new DataValidationError('"columns" names no column', {});
  const nRows = columns[names[0]].length;
  for (const name of names) {
    if (columns[name].length !== nRows) {
      throw new DataValidationError(
        `Column "${name}" has ${columns[name].length} values but "${names[0]}" has ${nRows}: every column needs one value per row`,
        { column: name },
      );
    }
  }
  return { nRows, column: (name) => (Object.hasOwn(columns, name) ? columns[name] : undefined) };
}

export function scoringInputOf(body: ScoringBody): ScoringInput {
  if ((body.rows === undefined) === (body.columns === undefined)) {
    throw new DataValidationError(
      'Send exactly one of "rows" (an object per row) and "columns" (an array per column)',
      {},
    );
  }
  return body.columns === undefined ? rowsInput(body.rows!) : columnsInput(body.columns);
}
