/** What every results file states about its run (date, machine), and writing it. */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';

/** Today as YYYY-MM-DD (UTC). */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** The CPU's model name, as /proc/cpuinfo gives it. */
export function cpuModel(): string {
  return cpus()[0]?.model.trim() || 'unknown CPU';
}

/** The 1-minute load average: other work on the machine skews wall times. */
export function loadAverage(): number {
  return loadavg()[0];
}

/** Writes a report, creating its folder. */
export async function writeReport(path: string, markdown: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, markdown);
}
