import { CancelledFailure } from '@temporalio/common';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import type { SweepChunkInput } from '../../src/pipelines/segmentation/activities.js';
import { SEGMENTATION_SAMPLE_FILES, writeSegmentationSampleData } from '../../src/sample-data/segmentation.js';
import { listModels } from '../../src/storage/model-store.js';
import { checkpoint } from '../../src/temporal/activity-context.js';
import { authHeaders } from '../support/api.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { waitFor } from '../support/wait.js';

const MALL_FEATURES = ['Annual Income (k$)', 'Spending Score (1-100)'];

interface RunBody {
  status: string;
  temporalStatus: string;
  progress: { stage?: string; kDone?: number } | null;
  error: { message?: string } | null;
}

const KMAX = 20;

/** What the held sweep chunk saw: it heartbeats at its gate like a long fit, until released or cancelled. */
const held = { entered: false, cancelled: false, released: false, ks: [] as number[] };

describe('cancelling a run through the API (real worker and dev server)', () => {
  let stack: TestStack;
  let app: FastifyInstance;

  before(async () => {
    stack = await startTestStack();
    await writeSegmentationSampleData(stack.config.dataDir);
    await stack.startWorker((real) => ({
      ...real,
      // The sweep's last chunk is held at a gate, heartbeating at a checkpoint as the real fits do per k.
      async fitSegmentationSweep(args: SweepChunkInput) {
        if (args.ks.includes(KMAX)) {
          held.ks = args.ks;
          held.entered = true;
          try {
            while (!held.released) {
              await checkpoint();
              await sleep(50);
            }
          } catch (err) {
            if (err instanceof CancelledFailure) held.cancelled = true;
            throw err;
          }
        }
        return real.fitSegmentationSweep(args);
      },
    }));
    app = await buildApp({ config: stack.config, client: stack.env.client });
  });

  after(async () => {
    held.released = true;
    await app?.close();
    await stack?.teardown();
  });

  const get = async (runId: string) => {
    const response = await app.inject({ method: 'GET', url: `/runs/${runId}`, headers: authHeaders() });
    assert.equal(response.statusCode, 200, response.body);
    return response.json<RunBody>();
  };
  const cancel = (runId: string) =>
    app.inject({ method: 'POST', url: `/runs/${runId}/cancel`, headers: authHeaders() });
  /** A K-Means sweep of the sample customers, k = 1..kMax; with kMax = KMAX its last chunk is held. */
  const startSweep = (kMax: number) =>
    app.inject({
      method: 'POST',
      url: '/runs/segmentation',
      headers: authHeaders(),
      payload: { dataset: SEGMENTATION_SAMPLE_FILES.customers, features: MALL_FEATURES, algorithm: 'kmeans', kMax },
    });

  it('a long sweep held mid-way is cancelled: 202, the run reads cancelled, the fit stopped, no model', async () => {
    const started = await startSweep(KMAX);
    assert.equal(started.statusCode, 202, started.body);
    const { runId } = started.json<{ runId: string }>();
    // Every other chunk finishes (they run side by side); the held one is still fitting.
    await waitFor('the sweep to reach the gate', async () =>
      held.entered && (await get(runId)).progress?.kDone === KMAX - held.ks.length ? true : undefined,
    );

    const accepted = await cancel(runId);
    assert.equal(accepted.statusCode, 202, accepted.body);
    assert.deepEqual(accepted.json(), { runId, status: 'cancelling', statusUrl: `/runs/${runId}` });

    const closed = await waitFor(`run ${runId} to close`, async () => {
      const body = await get(runId);
      return body.status === 'running' ? undefined : body;
    });
    assert.equal(closed.status, 'cancelled');
    assert.equal(closed.temporalStatus, 'CANCELLED');
    assert.deepEqual(closed.progress, { stage: 'cancelled' });
    assert.ok(held.cancelled, 'the running activity received the cancellation at its checkpoint');
    assert.deepEqual(await listModels(stack.config.modelStoreDir), [], 'no model was saved');

    const again = await cancel(runId);
    assert.equal(again.statusCode, 409, again.body);
    assert.match(again.json<{ message: string }>().message, /already closed \(cancelled\)/);

    const listed = await waitFor('the cancelled run in the run index', async () => {
      const response = await app.inject({ method: 'GET', url: '/runs?status=cancelled', headers: authHeaders() });
      const runs = response.json<{ runs: { runId: string; status: string }[] }>().runs;
      return runs.find((run) => run.runId === runId);
    });
    assert.equal(listed.status, 'cancelled');
  });

  it('cancelling an unknown run is a 404', async () => {
    const response = await cancel('segmentation-does-not-exist');
    assert.equal(response.statusCode, 404, response.body);
    assert.match(response.json<{ message: string }>().message, /does not exist/);
  });

  it('cancelling a completed run is a 409', async () => {
    held.released = true;
    const started = await startSweep(3);
    const { runId } = started.json<{ runId: string }>();
    await waitFor(`run ${runId} to complete`, async () =>
      (await get(runId)).status === 'completed' ? true : undefined,
    );
    const response = await cancel(runId);
    assert.equal(response.statusCode, 409, response.body);
    assert.match(response.json<{ message: string }>().message, /already closed \(completed\)/);
  });

  it('GET with waitSeconds holds the answer until the run closes (a long poll), or until the wait ends', async () => {
    held.released = false;
    held.entered = false;
    const started = await startSweep(KMAX);
    const { runId } = started.json<{ runId: string }>();
    await waitFor('the sweep to reach the gate', () => Promise.resolve(held.entered ? true : undefined));
    const longPoll = (waitSeconds: number) =>
      app.inject({ method: 'GET', url: `/runs/${runId}?waitSeconds=${waitSeconds}`, headers: authHeaders() });

    // The wait ends first: the run is still running, and says so.
    const timedOut = await longPoll(1);
    assert.equal(timedOut.statusCode, 200, timedOut.body);
    assert.equal(timedOut.json<RunBody>().status, 'running');

    // Asked while the sweep is held, answered once it is released and the run has completed.
    let answered = false;
    const waiting = longPoll(60).then((response) => ((answered = true), response));
    await sleep(300);
    assert.equal(answered, false, 'the answer waits while the run runs');
    held.released = true;
    const closed = await waiting;
    assert.equal(closed.statusCode, 200, closed.body);
    assert.equal(closed.json<RunBody>().status, 'completed');
  });

  it('waitSeconds outside 0..60 is a 400; an unknown run is still a 404', async () => {
    for (const bad of ['61', '-1', '1.5', 'soon']) {
      const response = await app.inject({
        method: 'GET',
        url: `/runs/segmentation-does-not-exist?waitSeconds=${bad}`,
        headers: authHeaders(),
      });
      assert.equal(response.statusCode, 400, `${bad}: ${response.body}`);
    }
    const unknown = await app.inject({
      method: 'GET',
      url: '/runs/segmentation-does-not-exist?waitSeconds=5',
      headers: authHeaders(),
    });
    assert.equal(unknown.statusCode, 404, unknown.body);
  });
});
