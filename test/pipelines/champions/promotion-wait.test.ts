/**
 * A training run's promotion waits for its registry's update. When that cannot happen (here: a registry whose
 * task queue no worker polls) and the run is terminated, the waiting activity is cancelled and ends, so the
 * worker can still shut down. Before it raced the wait against its cancellation, the worker hung on shutdown.
 */
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { championRegistryId } from '../../../src/pipelines/champions/config.js';
import { championRegistryWorkflow } from '../../../src/pipelines/champions/workflows.js';
import { loanTrainingWorkflow } from '../../../src/pipelines/loan/training/workflows.js';
import { writeLoanSampleData } from '../../../src/sample-data/loan.js';
import { startTestStack, type TestStack } from '../../support/test-stack.js';
import { waitFor, withDeadline } from '../../support/wait.js';

let stack: TestStack;

before(async () => {
  stack = await startTestStack();
  await writeLoanSampleData(join(stack.config.dataDir, 'loan'), { seed: 5, customers: 300 });
  await stack.startWorker();
});

after(async () => {
  // The deadline only turns a hang into a failure; the shutdown itself is what is checked.
  await withDeadline('the worker and dev server to stop', stack.teardown(), 60_000);
});

it("ends a promotion's wait for an unanswering registry once its run is terminated", async () => {
  await stack.env.client.workflow.start(championRegistryWorkflow, {
    workflowId: championRegistryId('loan', 'loan'),
    taskQueue: 'no-worker-polls-this',
    args: [{ pipeline: 'loan', dataset: 'loan' }],
  });
  const training = await stack.env.client.workflow.start(loanTrainingWorkflow, {
    workflowId: 'training-with-a-stuck-registry',
    taskQueue: stack.config.taskQueue,
    args: [{ dataset: 'loan' }],
  });
  await waitFor('the promotion to be waiting on the registry', async () => {
    const { raw } = await training.describe();
    const pending = (raw.pendingActivities ?? []).map((activity) => activity.activityType?.name);
    return pending.includes('promoteChampionThroughRegistry') || undefined;
  });
  await training.terminate('the registry cannot answer');
});
