import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { setImmediate as nextTick } from 'node:timers/promises';

import { closeComputePool, defineComputeTask, runCompute, warmComputePool } from '../../src/compute/pool.js';
import { IDLE_COLLECT_MS } from '../../src/compute/task-runner.js';
import type { rendezvous, spinUntilReleased } from './rendezvous-task.js';

const TASKS = new URL('./rendezvous-task.ts', import.meta.url).href;
const squareTask = defineComputeTask<{ x: number }, number>(new URL('./probe-task.ts', import.meta.url).href, 'square');
const rendezvousTask = defineComputeTask<Parameters<typeof rendezvous>[0], ReturnType<typeof rendezvous>>(
  TASKS,
  'rendezvous',
);
const spinTask = defineComputeTask<Parameters<typeof spinUntilReleased>[0], number>(TASKS, 'spinUntilReleased');

/** Event-loop turns taken while `work` is pending: zero if the work blocked this thread. */
async function ticksWhile<T>(work: Promise<T>): Promise<{ result: T; ticks: number }> {
  let done = false;
  let ticks = 0;
  const settled = work.finally(() => (done = true));
  while (!done) {
    await nextTick();
    ticks++;
  }
  return { result: await settled, ticks };
}

/** Live esbuild processes whose parent is this process (zombies, already exited, are not counted). */
async function esbuildChildren(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const status = await readFile(`/proc/${entry}/status`, 'utf8').catch(() => '');
    const field = (key: string) => new RegExp(`^${key}:\\s*(\\S+)`, 'm').exec(status)?.[1];
    if (field('Name') === 'esbuild' && field('PPid') === String(process.pid) && field('State') !== 'Z') {
      pids.push(Number(entry));
    }
  }
  return pids;
}

/** Runs the enclosing suite on a fresh pool of `threads` threads, and restores COMPUTE_THREADS after it. */
function withPoolOf(threads: number): void {
  const previous = process.env.COMPUTE_THREADS;
  before(async () => {
    await closeComputePool();
    process.env.COMPUTE_THREADS = String(threads);
  });
  after(async () => {
    await closeComputePool();
    if (previous === undefined) delete process.env.COMPUTE_THREADS;
    else process.env.COMPUTE_THREADS = previous;
  });
}

describe('compute pool', () => {
  // Two threads even on a one-core machine, so the rendezvous below can happen.
  withPoolOf(2);

  it('warming starts every thread and loads the task modules there, and leaves no bundler running', async () => {
    const before = await esbuildChildren();
    assert.equal(await warmComputePool([squareTask, rendezvousTask, spinTask]), 2);
    // The bundles were built by an esbuild service of this process (tsx's own, if running, is older): it is gone.
    for (let waited = 0; (await esbuildChildren()).some((pid) => !before.includes(pid)); waited++) {
      assert.ok(waited < 100, 'an esbuild service started by the warm-up is still running');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  it('runs a task module on a thread and returns its result', async () => {
    assert.equal(await runCompute(squareTask, { x: 7 }), 49);
  });

  it('runs two tasks at once on two threads while this event loop keeps turning', async () => {
    const counter = new Int32Array(new SharedArrayBuffer(4));
    // Each task waits (up to a minute) for the other to arrive: only concurrent threads both meet.
    const input = { counter, parties: 2, timeoutMs: 60_000 };
    const { result, ticks } = await ticksWhile(
      Promise.all([runCompute(rendezvousTask, input), runCompute(rendezvousTask, input)]),
    );
    assert.deepEqual(
      result.map((r) => r.metEveryone),
      [true, true],
    );
    assert.notEqual(result[0].threadId, result[1].threadId);
    assert.ok(ticks > 0, 'the event loop turned while the threads worked');
  });

  it('an abort terminates the running task, and the pool keeps serving', async () => {
    const flag = new Int32Array(new SharedArrayBuffer(8));
    const controller = new AbortController();
    const running = runCompute(spinTask, { flag }, { signal: controller.signal });
    while (Atomics.load(flag, 0) === 0) await nextTick(); // the task has started spinning
    controller.abort();
    await assert.rejects(running, (err: Error) => err.name === 'AbortError');
    // Never released: only terminating the thread could have ended the spin.
    assert.equal(Atomics.load(flag, 1), 0);
    assert.equal(await runCompute(squareTask, { x: 3 }), 9);
  });
});

describe('compute pool: priorities', () => {
  // One thread: tasks run one after another in the order the pool starts them.
  withPoolOf(1);

  it('starts the tasks submitted in one turn highest priority first, ties in submission order', async () => {
    const recordTask = defineComputeTask<{ log: Int32Array; id: number }, number>(
      new URL('./probe-task.ts', import.meta.url).href,
      'recordStart',
    );
    const log = new Int32Array(new SharedArrayBuffer(4 * 8));
    const submitted = [
      { id: 1, priority: 1 },
      { id: 2, priority: 3 },
      { id: 3, priority: 2 },
      { id: 4, priority: 2 },
      { id: 5, priority: 0 },
    ];
    await Promise.all(submitted.map(({ id, priority }) => runCompute(recordTask, { log, id }, { priority })));
    assert.deepEqual([...log.subarray(1, 1 + log[0])], [2, 3, 4, 1, 5]);
  });
});

describe('compute pool: idle threads', () => {
  withPoolOf(1);

  it("collects a thread's garbage once it idles, the last task's input included", async () => {
    const memoryTask = defineComputeTask<{ buffer?: ArrayBuffer }, number>(
      new URL('./probe-task.ts', import.meta.url).href,
      'externalMemory',
    );
    const size = 64 * 1024 * 1024;
    const buffer = new ArrayBuffer(size);
    const holding = await runCompute(memoryTask, { buffer }, { transferList: [buffer] });
    assert.ok(holding >= size, `the thread holds the buffer it was sent (${holding} bytes outside its heap)`);
    // Each probe is a task, which restarts the idle wait: so wait longer than it between probes.
    let after = holding;
    for (let probe = 0; probe < 4 && after >= size; probe++) {
      await new Promise((resolve) => setTimeout(resolve, IDLE_COLLECT_MS * 1.5));
      after = await runCompute(memoryTask, {});
    }
    assert.ok(after < size / 4, `the buffer is gone once the thread idled (${after} bytes left)`);
  });
});
