/**
 * dist/ (scripts/build.ts), which `npm start` runs: one JavaScript module per TypeScript module of src/, none
 * left over from an earlier build, and runnable by plain Node: the worker's entry imports with no TypeScript
 * loader and finds its workflows and its interceptors as built JavaScript.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { buildDist, DIST_DIR } from '../../scripts/build.js';
import { REPO_ROOT } from '../support/paths.js';

const run = promisify(execFile);

async function modulesUnder(dir: string, extension: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(extension))
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).slice(0, -extension.length))
    .sort();
}

describe('scripts/build.ts', () => {
  it('builds dist/ as src/ in JavaScript, file for file, and drops what src/ no longer has', async () => {
    await mkdir(join(DIST_DIR, 'gone'), { recursive: true });
    await writeFile(join(DIST_DIR, 'gone', 'removed-module.js'), 'export {};\n');
    const count = await buildDist();
    const sources = await modulesUnder(join(REPO_ROOT, 'src'), '.ts');
    assert.equal(count, sources.length);
    assert.deepEqual(await modulesUnder(DIST_DIR, '.js'), sources);
    assert.equal(existsSync(join(DIST_DIR, 'gone')), false);
    // Nothing half-built or swapped out stays beside it.
    const beside = (await readdir(REPO_ROOT)).filter((name) => name.startsWith('dist.'));
    assert.deepEqual(beside, []);
  });

  it('runs on plain Node: the worker module resolves its workflows and interceptors to built files', async () => {
    await buildDist();
    const probe = [
      "const worker = await import('./dist/temporal/worker.js');",
      "const processes = await import('./dist/processes/worker-processes.js');",
      'console.log(JSON.stringify([worker.WORKFLOWS_PATH, worker.WORKFLOW_INTERCEPTORS_PATH, processes.WORKER_ENTRY]));',
    ].join('\n');
    // execArgv empty: no tsx, so any TypeScript left in the import graph fails the import.
    const { stdout } = await run(process.execPath, ['--input-type=module', '--eval', probe], { cwd: REPO_ROOT });
    const paths = JSON.parse(stdout) as string[];
    assert.deepEqual(
      paths.map((path) => relative(REPO_ROOT, path)),
      [
        join('dist', 'pipelines', 'workflows.js'),
        join('dist', 'temporal', 'workflow-interceptors.js'),
        join('dist', 'worker.js'),
      ],
    );
    for (const path of paths) assert.ok(existsSync(path), `${path} exists`);
  });
});
