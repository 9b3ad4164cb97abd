import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { writeSampleData } from '../../src/sample-data/index.js';
import { writeSampleDataInChild } from '../../src/sample-data/in-child.js';

describe('writing the sample data in a child process', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'sample-in-child-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes the same files, byte for byte, as writing them here, and reports them', async () => {
    const child = join(root, 'child');
    const here = join(root, 'here');
    const report = await writeSampleDataInChild(child);
    const expected = await writeSampleData(here);
    const written = (r: typeof report) => [...r.segmentation.written, ...r.loan.written, ...r.loanDrift.written].sort();
    const inChild = written(report);
    assert.ok(inChild.length > 0);
    assert.deepEqual(
      inChild.map((path) => relative(child, path)),
      written(expected).map((path) => relative(here, path)),
    );
    for (const path of inChild) {
      assert.ok((await readFile(path)).equals(await readFile(join(here, relative(child, path)))), path);
    }
  });

  it('keeps existing files: a second call writes nothing', async () => {
    const report = await writeSampleDataInChild(join(root, 'child'));
    assert.deepEqual([...report.segmentation.written, ...report.loan.written, ...report.loanDrift.written], []);
    assert.ok(report.loan.skipped.length > 0);
  });

  it('fails with a message when the child cannot write', async () => {
    const blocked = join(root, 'a-file');
    await writeFile(blocked, 'not a folder');
    await assert.rejects(writeSampleDataInChild(join(blocked, 'data')), /Writing the sample data into .* failed/);
  });
});
