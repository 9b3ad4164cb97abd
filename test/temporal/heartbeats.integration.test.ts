/**
 * Every activity heartbeats while it runs (the worker's HeartbeatWhileRunning interceptor), re-sending its
 * last checkpoint: on a real dev server, an activity that never heartbeats itself outlives its heartbeat
 * timeout, and a retry still finds the details the failed attempt checkpointed.
 */
import { Context } from '@temporalio/activity';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { segmentationWorkflow } from '../../src/pipelines/workflows.js';
import { SEGMENTATION_SAMPLE_FILES, writeSegmentationSampleData } from '../../src/sample-data/segmentation.js';
import { checkpoint, heartbeatIntervalMs } from '../../src/temporal/activity-context.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { withDeadline } from '../support/wait.js';

type AnyActivity = (...args: unknown[]) => Promise<unknown>;

describe('activities heartbeat while they run', () => {
  let stack: TestStack;
  const events: string[] = [];
  let retriedWithDetails: unknown;
  let slowActivity: string | undefined;

  before(async () => {
    stack = await startTestStack();
    await writeSegmentationSampleData(stack.config.dataDir);
    // The run's first activity, on its first attempt: checkpoints a marker, then stays silent (no heartbeat
    // of its own) for longer than its heartbeat timeout, then fails once so that it is retried.
    await stack.startWorker((real) =>
      Object.fromEntries(
        Object.entries(real as Record<string, AnyActivity>).map(([name, activity]) => [
          name,
          async (...args: unknown[]) => {
            const { info } = Context.current();
            slowActivity ??= name;
            if (name === slowActivity && info.attempt === 1) {
              events.push('attempt 1 started');
              await checkpoint({ marker: 'checkpointed by attempt 1' });
              await sleep((info.heartbeatTimeoutMs ?? 0) + 3 * heartbeatIntervalMs(info.heartbeatTimeoutMs));
              events.push('attempt 1 failed');
              throw new Error('fails once, after outliving its heartbeat timeout');
            }
            if (name === slowActivity) {
              events.push(`attempt ${info.attempt} started`);
              retriedWithDetails = info.heartbeatDetails;
            }
            return activity(...args);
          },
        ]),
      ),
    );
  });

  after(async () => {
    await stack?.teardown();
  });

  it('a silent activity is not timed out, and its retry resumes from its last checkpoint', async () => {
    const handle = await stack.env.client.workflow.start(segmentationWorkflow, {
      taskQueue: stack.config.taskQueue,
      workflowId: `heartbeats-${randomUUID()}`,
      args: [
        {
          dataset: SEGMENTATION_SAMPLE_FILES.customers,
          features: ['Annual Income (k$)', 'Spending Score (1-100)'],
          algorithm: 'kmeans',
          kMin: 1,
          kMax: 3,
          nInit: 1,
        },
      ],
    });
    await withDeadline('the segmentation run', handle.result());
    // Had the heartbeats stopped, the server would have started attempt 2 while attempt 1 still slept.
    assert.deepEqual(events, ['attempt 1 started', 'attempt 1 failed', 'attempt 2 started']);
    assert.deepEqual(retriedWithDetails, { marker: 'checkpointed by attempt 1' });
  });
});

describe('heartbeatIntervalMs', () => {
  it('beats several times per heartbeat timeout, at most every 5 s', () => {
    assert.equal(heartbeatIntervalMs(20_000), 5_000);
    assert.equal(heartbeatIntervalMs(8_000), 2_000);
    assert.equal(heartbeatIntervalMs(undefined), 5_000);
  });
});
