/** Quotes an SQL identifier (column names like "Annual Income (k$)" need it). */
export function sqlIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
