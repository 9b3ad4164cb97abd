/**
 * What a killed process leaves behind. Writes are atomic (a temp sibling renamed into place, see
 * src/storage/atomic-file.ts), so a kill -9 mid-write leaves no half-written file under its real name, only
 * the temp sibling: `<name>.<writer pid>.<8 hex>.tmp`, a file or a folder. The stack removes those whose
 * writer is no longer running when it starts, and the per-process scratch folders a killed process left in the
 * system temp folder (compute task bundles, DuckDB spills), which are named by their process's pid.
 */
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TEMP_SIBLING = /\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/** Whether a process with this pid runs on this machine (EPERM: it runs, as another user). */
export function processIsRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function collect(dir: string, found: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const temp = TEMP_SIBLING.exec(entry.name);
    if (temp) {
      if (!processIsRunning(Number(temp[1]))) found.push(path);
    } else if (entry.isDirectory()) {
      await collect(path, found);
    }
  }
}

/** Temp files and folders under `dirs` whose writer process is gone. */
export async function findOrphanedTempFiles(dirs: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const dir of dirs) await collect(dir, found);
  return found;
}

/** Removes them; returns what it removed. */
export async function removeOrphanedTempFiles(dirs: string[]): Promise<string[]> {
  const orphaned = await findOrphanedTempFiles(dirs);
  await Promise.all(orphaned.map((path) => rm(path, { recursive: true, force: true })));
  return orphaned;
}

/** Scratch folders of one process in the system temp folder: `compute-tasks-<pid>-…`, `duckdb-spill-<pid>-…`. */
const PROCESS_SCRATCH = /^(?:compute-tasks|duckdb-spill)-(\d+)-/;

/** Removes the scratch folders in `dir` (the system temp folder) whose process is gone; returns them. */
export async function removeOrphanedScratchFolders(dir: string = tmpdir()): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const orphaned = entries
    .filter((entry) => entry.isDirectory())
    .filter((entry) => {
      const match = PROCESS_SCRATCH.exec(entry.name);
      return match !== null && !processIsRunning(Number(match[1]));
    })
    .map((entry) => join(dir, entry.name));
  await Promise.all(orphaned.map((path) => rm(path, { recursive: true, force: true })));
  return orphaned;
}

/**
 * What a start does first: removes the temp files under `dirs` and the scratch folders in the system temp
 * folder that killed processes left, and logs how many of each.
 */
export async function removeLeftovers(dirs: string[], log: (line: string) => void): Promise<void> {
  const files = await removeOrphanedTempFiles(dirs);
  if (files.length > 0) log(`Removed ${files.length} temp files left by killed processes`);
  const folders = await removeOrphanedScratchFolders();
  if (folders.length > 0) {
    log(`Removed ${folders.length} scratch folders (task bundles, DuckDB spills) of killed processes`);
  }
}
