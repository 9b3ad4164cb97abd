import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { WORKER_MALLOC_TUNABLES, workerGlibcTunables } from '../../src/processes/malloc.js';
import { workerProcessEnv } from '../../src/processes/worker-processes.js';

describe("worker processes' malloc tunables", () => {
  it("adds the mmap threshold to GLIBC_TUNABLES, keeping an operator's own settings", () => {
    assert.equal(WORKER_MALLOC_TUNABLES, 'glibc.malloc.mmap_threshold=131072');
    assert.equal(workerGlibcTunables({}), WORKER_MALLOC_TUNABLES);
    assert.equal(workerGlibcTunables({ GLIBC_TUNABLES: ' ' }), WORKER_MALLOC_TUNABLES);
    assert.equal(
      workerGlibcTunables({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }),
      `glibc.malloc.arena_max=2:${WORKER_MALLOC_TUNABLES}`,
    );
    // An operator's own threshold wins.
    for (const own of [
      'glibc.malloc.mmap_threshold=1048576',
      'glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=0',
    ]) {
      assert.equal(workerGlibcTunables({ GLIBC_TUNABLES: own }), own);
    }
  });

  it('is in the environment every worker process starts with', () => {
    const env = workerProcessEnv({ PATH: '/bin', GLIBC_TUNABLES: 'glibc.malloc.arena_max=4' }, 2);
    assert.equal(env.GLIBC_TUNABLES, `glibc.malloc.arena_max=4:${WORKER_MALLOC_TUNABLES}`);
    assert.equal(env.PATH, '/bin');
    assert.equal(workerProcessEnv({}, 1).GLIBC_TUNABLES, WORKER_MALLOC_TUNABLES);
  });
});
