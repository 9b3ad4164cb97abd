import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { createIdleCollector } from '../../src/compute/collect.js';

describe('the idle collector of a worker event loop', () => {
  it('collects once, after the last running activity has been over for the delay', async () => {
    let collections = 0;
    const idle = createIdleCollector(20, () => collections++);
    idle.activityStarted();
    idle.activityStarted();
    idle.activityFinished();
    await sleep(100);
    assert.equal(collections, 0, 'one activity still runs');
    idle.activityFinished();
    await sleep(150);
    assert.equal(collections, 1);
    await sleep(100);
    assert.equal(collections, 1, 'once per idle spell');
  });

  it('does not collect when the next activity starts within the delay (between the steps of a run)', async () => {
    let collections = 0;
    const idle = createIdleCollector(100, () => collections++);
    idle.activityStarted();
    idle.activityFinished();
    await sleep(10);
    idle.activityStarted();
    await sleep(250);
    assert.equal(collections, 0);
    idle.activityFinished();
    await sleep(300);
    assert.equal(collections, 1);
  });

  it('really collects by default: an unreachable buffer is gone after the idle spell', async () => {
    let reclaimed = false;
    const registry = new FinalizationRegistry(() => (reclaimed = true));
    (() => registry.register(new ArrayBuffer(8 * 1024 * 1024), 'buffer'))();
    const idle = createIdleCollector(10);
    idle.activityStarted();
    idle.activityFinished();
    for (let i = 0; i < 50 && !reclaimed; i++) await sleep(20);
    assert.ok(reclaimed, 'the buffer was not collected');
  });
});
