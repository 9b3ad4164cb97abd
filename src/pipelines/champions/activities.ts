import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import type { AppConfig } from '../../config.js';
import { checkChampionCandidate, getChampion, setChampion } from '../../storage/model-store.js';
import { callingWorkflow } from '../../temporal/activity-context.js';
import { promoteChampion } from './client.js';
import { trainingRunUpdateId } from './config.js';
import type { ChampionActivities } from './contract.js';

export function createChampionActivities(config: Pick<AppConfig, 'modelStoreDir' | 'taskQueue'>) {
  return {
    async checkChampionCandidate(args) {
      await checkChampionCandidate(config.modelStoreDir, args.pipeline, args.dataset, args.modelId);
    },

    async writeChampionPointer(args) {
      await setChampion(config.modelStoreDir, args);
    },

    async readChampionPointer(args) {
      return (await getChampion(config.modelStoreDir, args.pipeline, args.dataset)) ?? null;
    },

    /**
     * The run's own id is the update id, so a retried attempt finds its change already applied. It waits for
     * the registry's update; a cancellation (its run terminated, the worker shutting down) ends the wait, so
     * the activity never outlives the worker that would apply the update.
     */
    async promoteChampionThroughRegistry({ modelId, reason, actor, ...target }) {
      const context = Context.current();
      const { workflowId, runId } = callingWorkflow();
      return Promise.race([
        promoteChampion(
          context.client,
          target,
          { modelId, reason, actor, source: { kind: 'training-run', id: `${workflowId}/${runId}` } },
          { taskQueue: config.taskQueue, updateId: trainingRunUpdateId(workflowId, runId) },
        ),
        whenCancelled(context.cancellationSignal),
      ]);
    },
  } satisfies ChampionActivities;
}

/** Rejects with the activity's cancellation once its signal aborts. */
function whenCancelled(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const cancelled = () =>
      reject(signal.reason instanceof CancelledFailure ? signal.reason : new CancelledFailure('Activity cancelled'));
    if (signal.aborted) cancelled();
    else signal.addEventListener('abort', cancelled, { once: true });
  });
}

export type ChampionRegistryActivities = ReturnType<typeof createChampionActivities>;
