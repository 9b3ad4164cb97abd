import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

import { DEFAULT_WORKER_NICENESS, workerNiceness } from '../../src/processes/niceness.js';
import { startWorkerProcesses } from '../../src/processes/worker-processes.js';

const run = promisify(execFile);
const PROBE = new URL('./niceness-probe.ts', import.meta.url).pathname;

describe('worker processes below the API’s CPU priority', () => {
  it('reads WORKER_NICENESS: unset is none, 0..19 is taken, anything else refused', () => {
    assert.equal(workerNiceness({}), undefined);
    assert.equal(workerNiceness({ WORKER_NICENESS: '' }), undefined);
    assert.equal(workerNiceness({ WORKER_NICENESS: '0' }), 0);
    assert.equal(workerNiceness({ WORKER_NICENESS: ' 19 ' }), 19);
    for (const bad of ['-1', '20', '2.5', 'low']) {
      assert.throws(() => workerNiceness({ WORKER_NICENESS: bad }), /WORKER_NICENESS must be an integer from 0 to 19/);
    }
    assert.equal(DEFAULT_WORKER_NICENESS, 10);
  });

  it('refuses a bad WORKER_NICENESS before starting any worker process', () => {
    assert.throws(
      () => startWorkerProcesses({ count: 1, env: { WORKER_NICENESS: 'high' }, log: () => undefined }),
      /WORKER_NICENESS/,
    );
  });

  it(
    'gives every thread the niceness: those already running and those started after',
    { skip: existsSync('/proc/self/task') ? false : 'no /proc (not Linux)' },
    async () => {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', PROBE]);
      const niceness = JSON.parse(stdout) as number[];
      // The main thread, two worker threads, V8's and libuv's.
      assert.ok(niceness.length >= 3, stdout);
      assert.deepEqual(new Set(niceness), new Set([7]), stdout);
    },
  );
});
