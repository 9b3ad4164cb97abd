import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { removeOrphanedScratchFolders, removeOrphanedTempFiles } from '../../src/processes/leftovers.js';
import { tempSiblingPath } from '../../src/storage/atomic-file.js';

/** The pid of a process that has exited. */
async function deadPid(): Promise<string> {
  const gone = spawn(process.execPath, ['-e', '']);
  await new Promise((resolveExit) => gone.once('exit', resolveExit));
  return String(gone.pid);
}

describe('removeOrphanedTempFiles', () => {
  it('removes the temp files and folders of writers that are gone, not those of a live writer', async () => {
    const root = await mkdtemp(join(tmpdir(), 'leftovers-'));
    try {
      const deadWriter = await deadPid();
      const live = tempSiblingPath(join(root, 'model.json'));
      const orphanFile = join(root, 'a', `model.json.${deadWriter}.0a1b2c3d.tmp`);
      const orphanFolder = join(root, 'b', `gold.${deadWriter}.deadbeef.tmp`);
      const kept = join(root, 'a', 'model.json');
      await mkdir(join(orphanFolder, 'month=2024-01'), { recursive: true });
      await mkdir(join(root, 'a'));
      await writeFile(join(orphanFolder, 'month=2024-01', 'data_0.parquet'), 'half');
      for (const path of [live, orphanFile, kept]) await writeFile(path, '{}');

      const removed = await removeOrphanedTempFiles([root, join(root, 'missing')]);
      assert.deepEqual(removed.sort(), [orphanFile, orphanFolder].sort());
      await access(live);
      await access(kept);
      await assert.rejects(access(orphanFolder));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('removeOrphanedScratchFolders', () => {
  it("removes the task-bundle and DuckDB-spill folders of processes that are gone, not a live one's", async () => {
    const root = await mkdtemp(join(tmpdir(), 'scratch-'));
    try {
      const dead = await deadPid();
      const orphans = [join(root, `compute-tasks-${dead}-Ab12Cd`), join(root, `duckdb-spill-${dead}-0a1b2c3d-4e5f`)];
      const kept = [
        join(root, `compute-tasks-${process.pid}-Xy34Zw`),
        join(root, `duckdb-spill-${process.pid}-9f8e7d6c`),
        join(root, `someone-else-${dead}-folder`),
      ];
      for (const dir of [...orphans, ...kept]) await mkdir(dir);
      await writeFile(join(orphans[0], 'task-0.mjs'), 'export {}');

      assert.deepEqual((await removeOrphanedScratchFolders(root)).sort(), orphans.sort());
      for (const dir of kept) await access(dir);
      for (const dir of orphans) await assert.rejects(access(dir));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
