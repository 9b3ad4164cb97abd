/**
 * The champion registry workflow on the real dev server with the real activities: promotions and rollbacks
 * recorded with who and why, concurrent changes serialised without loss, models of another dataset or pipeline
 * rejected as bad input, update ids applied once (across continue-as-new too), and the pointer file that
 * inference and monitoring read kept in step.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ChampionConflictError,
  promoteChampion,
  readChampion,
  readChampionHistory,
  rollbackChampion,
} from '../../../src/pipelines/champions/client.js';
import { championRegistryId } from '../../../src/pipelines/champions/config.js';
import type { ChampionTarget, ChangeSourceBody } from '../../../src/pipelines/champions/contract.js';
import { championRegistryWorkflow } from '../../../src/pipelines/champions/workflows.js';
import { DataValidationError } from '../../../src/failures.js';
import { getChampion, saveModel, setChampion, type ModelPipeline } from '../../../src/storage/model-store.js';
import { startTestStack, type TestStack } from '../../support/test-stack.js';
import { withDeadline } from '../../support/wait.js';

const ACTOR = 'sha256:0123456789ab';

describe('champion registry workflow', () => {
  let stack: TestStack;
  let requests = 0;

  before(async () => {
    stack = await startTestStack();
    await stack.startWorker();
  });

  after(async () => {
    await stack?.teardown();
  });

  /** A stored model as the training pipelines record them: loan models name their dataset in the lineage. */
  async function storedModel(modelId: string, pipeline: ModelPipeline, dataset: string): Promise<string> {
    await saveModel(stack.config.modelStoreDir, {
      modelId,
      pipeline,
      algorithm: pipeline === 'loan' ? 'gradient-boosting' : 'kmeans',
      createdAt: new Date().toISOString(),
      params: {},
      metrics: {},
      lineage:
        pipeline === 'loan'
          ? { workflowId: 'w', runId: 'r', dataFingerprints: { lms_loan_daily: 'sha' }, dataset }
          : { workflowId: 'w', runId: 'r', dataFingerprints: { [dataset]: 'sha' } },
      model: {},
    });
    return modelId;
  }

  /** A change as an API request makes it: a fresh request id is its update id unless one is given. */
  function change(updateId = `test-request-${++requests}`): { source: ChangeSourceBody; updateId: string } {
    return { source: { kind: 'api', id: updateId }, updateId };
  }

  const promote = (target: ChampionTarget, modelId: string, reason: string, updateId?: string) => {
    const { source, updateId: id } = change(updateId);
    return withDeadline(
      `promote ${modelId}`,
      promoteChampion(
        stack.env.client,
        target,
        { modelId, reason, actor: ACTOR, source },
        {
          taskQueue: stack.config.taskQueue,
          updateId: id,
        },
      ),
    );
  };

  const rollback = (target: ChampionTarget, reason: string) => {
    const { source, updateId } = change();
    return withDeadline(
      'rollback',
      rollbackChampion(
        stack.env.client,
        target,
        { reason, actor: ACTOR, source },
        { taskQueue: stack.config.taskQueue, updateId },
      ),
    );
  };

  const pointerOf = async (target: ChampionTarget) =>
    (await getChampion(stack.config.modelStoreDir, target.pipeline, target.dataset))?.modelId;

  it('promotes, promotes again and rolls back, recording from, to, reason, who and which request', async () => {
    const target: ChampionTarget = { pipeline: 'loan', dataset: 'loan-a' };
    const first = await storedModel('loan-a-1', 'loan', 'loan-a');
    const second = await storedModel('loan-a-2', 'loan', 'loan-a');
    assert.equal(await readChampion(stack.env.client, target), undefined, 'no registry yet');

    const promoted = await promote(target, first, 'first model');
    assert.equal(promoted.modelId, first);
    assert.equal(promoted.previousModelId, null);
    assert.equal(await pointerOf(target), first, 'the pointer follows the registry');

    const replaced = await promote(target, second, 'better AUC');
    assert.equal(replaced.modelId, second);
    assert.equal(replaced.previousModelId, first);
    assert.equal(await pointerOf(target), second);

    const rolledBack = await rollback(target, 'second model misbehaves');
    assert.equal(rolledBack.modelId, first);
    assert.equal(rolledBack.previousModelId, null);
    assert.equal(await pointerOf(target), first, 'the rollback rewrote the pointer');
    assert.deepEqual(await readChampion(stack.env.client, target), rolledBack, 'the query answers the same state');

    const history = await readChampionHistory(stack.env.client, target);
    assert.equal(history?.registryId, championRegistryId('loan', 'loan-a'));
    assert.deepEqual(
      history?.changes.map(({ sequence, action, from, to, reason, actor }) => ({
        sequence,
        action,
        from,
        to,
        reason,
        actor,
      })),
      [
        { sequence: 1, action: 'promote', from: null, to: first, reason: 'first model', actor: ACTOR },
        { sequence: 2, action: 'promote', from: first, to: second, reason: 'better AUC', actor: ACTOR },
        { sequence: 3, action: 'rollback', from: second, to: first, reason: 'second model misbehaves', actor: ACTOR },
      ],
    );
    for (const entry of history.changes) {
      assert.equal(entry.source.kind, 'api');
      assert.equal(entry.updateId, entry.source.id, 'the request id is the update id');
      assert.ok(!Number.isNaN(Date.parse(entry.at)), entry.at);
    }

    await assert.rejects(rollback(target, 'again'), ChampionConflictError, 'nothing before the first champion');
    assert.equal(
      (await readChampionHistory(stack.env.client, target))?.changes.length,
      3,
      'a refused change is not recorded',
    );
  });

  it('serialises concurrent promotions: every one recorded, each from the one before', async () => {
    const target: ChampionTarget = { pipeline: 'loan', dataset: 'loan-busy' };
    const models = await Promise.all(
      Array.from({ length: 8 }, (_, i) => storedModel(`loan-busy-${i}`, 'loan', 'loan-busy')),
    );
    await Promise.all(models.map((modelId) => promote(target, modelId, `race ${modelId}`)));

    const history = await readChampionHistory(stack.env.client, target);
    const changes = history!.changes;
    assert.equal(changes.length, models.length, 'none lost');
    assert.deepEqual(changes.map((c) => c.to).sort(), [...models].sort(), 'each promotion once');
    assert.deepEqual(
      changes.map((c) => c.sequence),
      models.map((_, i) => i + 1),
    );
    changes.forEach((c, i) => assert.equal(c.from, i === 0 ? null : changes[i - 1].to, `change ${c.sequence}`));
    const current = await readChampion(stack.env.client, target);
    assert.equal(current?.modelId, changes.at(-1)!.to);
    assert.equal(await pointerOf(target), current?.modelId, 'the pointer holds the last change');
  });

  it("rejects another dataset's, another pipeline's or an unknown model as bad input, recording nothing", async () => {
    const target: ChampionTarget = { pipeline: 'loan', dataset: 'loan-strict' };
    const own = await storedModel('loan-strict-1', 'loan', 'loan-strict');
    const otherDataset = await storedModel('loan-elsewhere-1', 'loan', 'loan-elsewhere');
    const otherPipeline = await storedModel('segmentation-strict-1', 'segmentation', 'loan-strict');
    await promote(target, own, 'baseline');

    const rejected = async (modelId: string, message: RegExp) =>
      assert.rejects(promote(target, modelId, 'should not happen'), (err: unknown) => {
        assert.ok(err instanceof DataValidationError, String(err));
        assert.match(err.message, message);
        return true;
      });
    await rejected(otherDataset, /trained on "loan-elsewhere", not "loan-strict"/);
    await rejected(otherPipeline, /is a segmentation model, not a loan model/);
    await rejected('loan-never-saved', /not in the model store/);
    await rejected('../escape', /is not a model id/);

    const history = await readChampionHistory(stack.env.client, target);
    assert.deepEqual(
      history?.changes.map((c) => c.to),
      [own],
    );
    assert.equal(await pointerOf(target), own);
  });

  it('applies an update id once, also after the registry continued as new', async () => {
    const target: ChampionTarget = { pipeline: 'segmentation', dataset: 'mall.csv' };
    const workflowId = championRegistryId(target.pipeline, target.dataset);
    // A registry that continues as new after a few changes' worth of history.
    const started = await stack.env.client.workflow.start(championRegistryWorkflow, {
      workflowId,
      taskQueue: stack.config.taskQueue,
      args: [{ ...target, continueAsNewAfterEvents: 25 }],
    });
    const models = await Promise.all(
      Array.from({ length: 5 }, (_, i) => storedModel(`segmentation-mall-${i}`, 'segmentation', 'mall.csv')),
    );
    await promote(target, models[0], 'first', 'run-0');
    await promote(target, models[0], 'the same request again', 'run-0');
    for (let i = 1; i < models.length; i++) await promote(target, models[i], `model ${i}`, `run-${i}`);

    const { runId } = await stack.env.client.workflow.getHandle(workflowId).describe();
    assert.notEqual(runId, started.firstExecutionRunId, 'the registry continued as new');
    // A retry of an early change, after the run that applied it has closed: still applied once.
    const again = await promote(target, models[1], 'retried', 'run-1');
    assert.equal(again.modelId, models.at(-1), 'the retry changed nothing');

    const history = await readChampionHistory(stack.env.client, target);
    assert.deepEqual(
      history?.changes.map((c) => [c.updateId, c.to]),
      models.map((modelId, i) => [`run-${i}`, modelId]),
    );
    assert.equal(await pointerOf(target), models.at(-1));
  });

  it('adopts a champion pointer written before the registry existed', async () => {
    const target: ChampionTarget = { pipeline: 'loan', dataset: 'loan-legacy' };
    const legacy = await storedModel('loan-legacy-1', 'loan', 'loan-legacy');
    const next = await storedModel('loan-legacy-2', 'loan', 'loan-legacy');
    await setChampion(stack.config.modelStoreDir, {
      ...target,
      modelId: legacy,
      promotedAt: '2025-01-01T00:00:00.000Z',
      reason: 'requested',
    });
    await promote(target, next, 'first change through the registry');
    const rolledBack = await rollback(target, 'back to the model we had');
    assert.equal(rolledBack.modelId, legacy);
    const history = await readChampionHistory(stack.env.client, target);
    assert.deepEqual(
      history?.changes.map((c) => [c.action, c.from, c.to]),
      [
        ['adopt', null, legacy],
        ['promote', legacy, next],
        ['rollback', next, legacy],
      ],
    );
  });
});
