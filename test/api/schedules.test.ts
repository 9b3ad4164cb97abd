import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import type { loanInferenceWorkflow } from '../../src/pipelines/loan/inference/workflows.js';
import { ensureLoanSchedules } from '../../src/pipelines/loan/schedules.js';
import { writeLoanSampleData } from '../../src/sample-data/loan.js';
import { authHeaders } from '../support/api.js';
import { startTestStack, TEST_API_KEY, type TestStack } from '../support/test-stack.js';
import { waitFor, withDeadline } from '../support/wait.js';

/** What the schedules run on; trained first, so a triggered inference run has a champion to score with. */
const DATASET = 'loan-sched';

describe('schedule pause, unpause and trigger against a real worker and dev server', () => {
  let stack: TestStack;
  let app: FastifyInstance;

  before(async () => {
    stack = await startTestStack();
    await writeLoanSampleData(join(stack.config.dataDir, DATASET), { seed: 5, customers: 600 });
    await stack.startWorker();
    app = await buildApp({ config: stack.config, client: stack.env.client });
    const started = await app.inject({
      method: 'POST',
      url: '/runs/loan-training',
      headers: authHeaders(),
      payload: { dataset: DATASET, split: { kind: 'out-of-time', cutoffMonth: '2024-06' } },
    });
    assert.equal(started.statusCode, 202, started.body);
    const { runId } = started.json<{ runId: string }>();
    await withDeadline(`training run ${runId}`, stack.env.client.workflow.getHandle(runId).result());
  });

  after(async () => {
    await app?.close();
    await stack?.teardown();
  });

  it('pauses and unpauses a schedule with its note, and a trigger starts a run now', async () => {
    const { client } = stack.env;
    const post = (url: string, payload?: object) =>
      app.inject({ method: 'POST', url, headers: authHeaders(), ...(payload ? { payload } : {}) });
    const listed = async (id: string) => {
      const response = await app.inject({ method: 'GET', url: '/schedules', headers: authHeaders() });
      const { schedules } = response.json<{ schedules: { id: string; paused: boolean; note: string | null }[] }>();
      return schedules.find((s) => s.id === id);
    };

    for (const action of ['pause', 'unpause', 'trigger']) {
      const unknown = await post(`/schedules/nope/${action}`);
      assert.equal(unknown.statusCode, 404, `${action}: ${unknown.body}`);
      assert.match(unknown.json<{ message: string }>().message, /Schedule "nope" does not exist/);
    }
    // A known id that has not been created yet is a 404 too.
    assert.equal((await post('/schedules/loan-inference-daily/trigger')).statusCode, 404);

    await ensureLoanSchedules(client, stack.config, DATASET);

    const paused = await post('/schedules/loan-inference-daily/pause', { note: 'investigating a data delay' });
    assert.equal(paused.statusCode, 200, paused.body);
    assert.deepEqual(paused.json(), {
      scheduleId: 'loan-inference-daily',
      paused: true,
      note: 'investigating a data delay',
    });
    const shownPaused = await listed('loan-inference-daily');
    assert.equal(shownPaused?.paused, true);
    assert.equal(shownPaused?.note, 'investigating a data delay');
    assert.equal((await listed('loan-training-daily'))?.paused, false, 'only that schedule is paused');
    const badNote = await post('/schedules/loan-inference-daily/pause', { note: 'x'.repeat(1001) });
    assert.equal(badNote.statusCode, 400, badNote.body);

    // A trigger starts a run now, even while the schedule is paused.
    const actionsBefore = (await client.schedule.getHandle('loan-inference-daily').describe()).info.recentActions.map(
      (a) => a.action.workflow.workflowId,
    );
    const triggered = await post('/schedules/loan-inference-daily/trigger');
    assert.equal(triggered.statusCode, 202, triggered.body);
    assert.equal(triggered.json<{ scheduleId: string }>().scheduleId, 'loan-inference-daily');
    const workflowId = await waitFor('the triggered run to be recorded on the schedule', async () => {
      const { recentActions } = (await client.schedule.getHandle('loan-inference-daily').describe()).info;
      return recentActions.map((a) => a.action.workflow.workflowId).find((id) => !actionsBefore.includes(id));
    });
    const handle = client.workflow.getHandle<typeof loanInferenceWorkflow>(workflowId);
    const result = await withDeadline(`triggered run ${workflowId}`, handle.result());
    assert.equal(result.dataset, DATASET);
    assert.ok(result.rows > 0);

    // Without a body, the note records which key unpaused it (its fingerprint, never the key).
    const unpaused = await post('/schedules/loan-inference-daily/unpause');
    assert.equal(unpaused.statusCode, 200, unpaused.body);
    const state = unpaused.json<{ paused: boolean; note: string }>();
    assert.equal(state.paused, false);
    assert.match(state.note, /^unpaused over the API \(key sha256:[0-9a-f]{12}\)$/);
    assert.ok(!state.note.includes(TEST_API_KEY));
    const shown = await listed('loan-inference-daily');
    assert.equal(shown?.paused, false);
    assert.equal(shown?.note, state.note);
  });
});
