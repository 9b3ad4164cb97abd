/** The Markdown the reports in bench/results/ are made of: tables and number cells. */

/**
 * A pipe table. `header` is the column titles as the header line shows them, separated by ' | '; `align` has one
 * letter per column: `l` (left, `---`) or `r` (right, `---:`). Cells are written as given.
 */
export function markdownTable(header: string, align: string, rows: readonly (readonly string[])[]): string {
  const separator = [...align].map((a) => (a === 'r' ? '---:' : '---'));
  return [`| ${header} |`, ...[separator, ...rows].map((cells) => `| ${cells.join(' | ')} |`)].join('\n');
}

/** Fixed decimals; '–' for a missing (NaN or infinite) value. */
export function fixed(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

/** An AUC difference with its sign, four decimals; '0.0000' when it rounds to zero. */
export function signed(value: number): string {
  if (Math.abs(value) < 0.00005) return '0.0000';
  return `${value > 0 ? '+' : ''}${value.toFixed(4)}`;
}

/** Whether a target is met. */
export function verdict(ok: boolean): string {
  return ok ? 'yes' : '**no**';
}
