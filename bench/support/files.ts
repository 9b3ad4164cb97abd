/** Scratch folders for the files handed to Python. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs `work` in a fresh temporary folder, removed afterwards whatever happens. */
export async function withTempDir<T>(prefix: string, work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** CSV with a label column first and NaN as an empty field (read back as NaN by pandas). */
export function labelledCsv(
  header: readonly string[],
  labels: readonly number[],
  rows: readonly ArrayLike<number>[],
): string {
  const lines = rows.map((row, i) =>
    [labels[i], ...Array.from(row)].map((v) => (Number.isNaN(v) ? '' : String(v))).join(','),
  );
  return `${header.join(',')}\n${lines.join('\n')}\n`;
}
