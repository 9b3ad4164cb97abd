/**
 * How a raw loan-file number is read, written once for the silver layer's SQL and for scoring raw
 * applicant rows over the API: a clean value is cast; a value wrapped in double underscores (`__10000__`,
 * `__-333__`) is a placeholder, so missing; any other underscore (`52312.68_`, `40_`) is noise on a real
 * value and is stripped. A parity test runs both on the same dirty values.
 */

/** The noise character the raw files scatter through numbers. */
export const RAW_NUMBER_NOISE = '_';

/** DuckDB macro `raw_num(s)`: the rule above in SQL (fast path first: most values are clean). */
export const RAW_NUM_MACRO = `CREATE OR REPLACE TEMP MACRO raw_num(s) AS
     CASE WHEN TRY_CAST(s AS DOUBLE) IS NOT NULL THEN TRY_CAST(s AS DOUBLE)
          WHEN s LIKE '\\${RAW_NUMBER_NOISE}\\${RAW_NUMBER_NOISE}%\\${RAW_NUMBER_NOISE}\\${RAW_NUMBER_NOISE}' ESCAPE '\\' THEN NULL
          ELSE TRY_CAST(NULLIF(replace(trim(s), '${RAW_NUMBER_NOISE}', ''), '') AS DOUBLE) END`;

const PLACEHOLDER = new RegExp(`^${RAW_NUMBER_NOISE}{2}.*${RAW_NUMBER_NOISE}{2}$`, 's');
const NOISE = new RegExp(RAW_NUMBER_NOISE, 'g');

/** The rule above in TypeScript: a number, null when missing or a placeholder, NaN when not a number at all. */
export function parseRawNumber(text: string): number | null {
  if (text.trim() === '') return null;
  const direct = Number(text);
  if (Number.isFinite(direct)) return direct;
  if (PLACEHOLDER.test(text)) return null;
  const stripped = text.replace(NOISE, '').trim();
  if (stripped === '') return null;
  const number = Number(stripped);
  return Number.isFinite(number) ? number : Number.NaN;
}
