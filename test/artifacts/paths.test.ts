import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ArtifactOutsideDataDirError, existingPathInsideDataDir } from '../../src/artifacts/paths.js';

describe('artifact paths stay inside DATA_DIR', () => {
  let root: string;
  let dataDir: string;

  before(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'artifact-paths-')));
    dataDir = join(root, 'data');
    await mkdir(join(dataDir, 'runs', 'r1'), { recursive: true });
    await writeFile(join(dataDir, 'runs', 'r1', 'metrics.parquet'), 'PAR1');
    await writeFile(join(root, 'secret.txt'), 'not for the API');
    await symlink(join(root, 'secret.txt'), join(dataDir, 'runs', 'r1', 'link.parquet'));
    await symlink(join(dataDir, 'runs', 'r1', 'metrics.parquet'), join(dataDir, 'runs', 'r1', 'inner-link.parquet'));
  });

  after(() => rm(root, { recursive: true, force: true }));

  it('returns the real path of a file inside the data dir', async () => {
    const path = join(dataDir, 'runs', 'r1', 'metrics.parquet');
    assert.equal(await existingPathInsideDataDir(dataDir, path), path);
    assert.equal(await existingPathInsideDataDir(dataDir, join(dataDir, 'runs', 'r1', 'inner-link.parquet')), path);
  });

  it('returns undefined for a missing file inside the data dir', async () => {
    assert.equal(await existingPathInsideDataDir(dataDir, join(dataDir, 'runs', 'r1', 'gone.parquet')), undefined);
  });

  it('refuses paths outside it: "..", another folder, the data dir itself, a relative path, a symlink out', async () => {
    const refused = [
      join(dataDir, 'runs', '..', '..', 'secret.txt'),
      join(root, 'secret.txt'),
      `${dataDir}-other/metrics.parquet`,
      dataDir,
      'runs/r1/metrics.parquet',
      join(dataDir, 'runs', 'r1', 'link.parquet'),
    ];
    for (const path of refused) {
      await assert.rejects(existingPathInsideDataDir(dataDir, path), ArtifactOutsideDataDirError, path);
    }
  });
});
