/** CSV text and file helpers shared by the sample-data writers. */
import { writeFileAtomic } from '../storage/atomic-file.js';

/** One CSV record, quoting only fields that need it (the loan data's Type_of_Loan holds commas). */
export function csvLine(fields: readonly string[]): string {
  return fields.map((field) => (/[",\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field)).join(',');
}

/** Header and records as file text: LF line endings and a final newline, as pandas writes them. */
export function csvText(header: string, lines: readonly string[]): string {
  return `${[header, ...lines].join('\n')}\n`;
}

/** Writes a table to a sibling temp file and renames it, so readers never see half a file. */
export async function writeCsvAtomic(
  path: string,
  header: readonly string[],
  rows: readonly string[][],
): Promise<void> {
  await writeFileAtomic(path, csvText(csvLine(header), rows.map(csvLine)));
}
