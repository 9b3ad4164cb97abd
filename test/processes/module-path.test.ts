import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { siblingModulePath } from '../../src/processes/module-path.js';

describe('siblingModulePath', () => {
  it('gives a sibling the caller’s extension: .ts from src/, .js from dist/', () => {
    const fromSource = pathToFileURL(join('/repo', 'src', 'processes', 'worker-processes.ts')).href;
    const fromBuild = pathToFileURL(join('/repo', 'dist', 'processes', 'worker-processes.js')).href;
    assert.equal(siblingModulePath(fromSource, '../worker'), join('/repo', 'src', 'worker.ts'));
    assert.equal(siblingModulePath(fromBuild, '../worker'), join('/repo', 'dist', 'worker.js'));
    assert.equal(
      siblingModulePath(fromBuild, './in-child-main'),
      join('/repo', 'dist', 'processes', 'in-child-main.js'),
    );
  });
});
