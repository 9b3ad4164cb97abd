/**
 * The champion registry: one long-lived workflow per (pipeline, dataset) holds the current champion and every
 * change. Changes arrive as updates (`promote`, `rollback`), run one at a time and are recorded with who made
 * them, why, when and from which request or run; the workflow's history is the audit log. After each change a
 * local activity rewrites the pointer file that inference, monitoring and predict read.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  currentUpdateInfo,
  defineQuery,
  defineUpdate,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { FailureType, standardRetry } from '../../failures.js';
import { ML_MODEL_ID } from '../../temporal/search-attributes.js';
import { surfaceBadInput } from '../../temporal/workflow-interceptors.js';
import { CHAMPION_REGISTRY_LIMITS } from './config.js';
import {
  CHANGE_SOURCES,
  ChampionFailureType,
  type ChampionActivities,
  type ChampionChangeBody,
  type ChampionHistoryBody,
  type ChampionRegistryInput,
  type ChampionRegistryState,
  type ChampionStateBody,
  type PromoteChampionUpdate,
  type RollbackChampionUpdate,
} from './contract.js';

export const promoteChampionUpdate = defineUpdate<ChampionStateBody, [PromoteChampionUpdate]>('promote');
export const rollbackChampionUpdate = defineUpdate<ChampionStateBody, [RollbackChampionUpdate]>('rollback');
/** The current champion; null before the first change. */
export const currentChampionQuery = defineQuery<ChampionStateBody | null>('current');
export const championHistoryQuery = defineQuery<ChampionHistoryBody>('history');

/**
 * Local activities: quick file reads and one atomic write. They do not wait for an activity slot, which a
 * training run's promotion activity may be holding while it waits for this very update.
 */
const steps = (summary: string) =>
  proxyLocalActivities<ChampionActivities>({ startToCloseTimeout: '1 minute', retry: standardRetry, summary });

const MODEL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

function badInput(message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type: FailureType.badInput, nonRetryable: true });
}

/** What an update validator can check without I/O: the shape of who asked, why and from where. */
function validateChange(request: RollbackChampionUpdate): void {
  const text = (value: unknown, max: number) => typeof value === 'string' && value.trim() !== '' && value.length <= max;
  if (!text(request?.reason, 1000)) throw badInput('reason must be 1 to 1000 characters');
  if (!text(request.actor, 200)) throw badInput('actor must be 1 to 200 characters');
  if (!CHANGE_SOURCES.includes(request.source?.kind) || !text(request.source.id, 1000)) {
    throw badInput(`source must be {kind: ${CHANGE_SOURCES.join(' | ')}, id}`);
  }
}

function validatePromotion(request: PromoteChampionUpdate): void {
  validateChange(request);
  if (
    typeof request.modelId !== 'string' ||
    !MODEL_ID_PATTERN.test(request.modelId) ||
    request.modelId.includes('..')
  ) {
    throw badInput(`"${String(request.modelId)}" is not a model id`);
  }
}

/**
 * Runs changes one at a time in arrival order. Update handlers run concurrently and a change awaits
 * activities, so without this two changes could both read the same "from" and one would be lost.
 */
function serialiser() {
  let tail: Promise<unknown> = Promise.resolve();
  let queued = 0;
  return {
    get idle(): boolean {
      return queued === 0;
    },
    run<T>(work: () => Promise<T>): Promise<T> {
      queued++;
      const result = tail.then(work);
      tail = result.then(
        () => queued--,
        () => queued--,
      );
      return result;
    },
  };
}

export async function championRegistryWorkflow(input: ChampionRegistryInput): Promise<void> {
  const { pipeline, dataset } = input;
  const registryId = workflowInfo().workflowId;
  const state: ChampionRegistryState = input.carried ?? {
    champions: [],
    changes: [],
    earlierChanges: 0,
    nextSequence: 1,
  };
  const changes = serialiser();

  function current(): ChampionStateBody | null {
    const modelId = state.champions.at(-1);
    const lastChange = state.changes.at(-1);
    if (!modelId || !lastChange) return null;
    return {
      pipeline,
      dataset,
      modelId,
      since: lastChange.at,
      previousModelId: state.champions.at(-2) ?? null,
      lastChange,
      changes: state.earlierChanges + state.changes.length,
      registryId,
    };
  }

  function record(change: Omit<ChampionChangeBody, 'sequence' | 'at'>): void {
    state.changes.push({ sequence: state.nextSequence++, ...change, at: new Date().toISOString() });
    const excess = state.changes.length - CHAMPION_REGISTRY_LIMITS.keptChanges;
    if (excess > 0) {
      state.changes.splice(0, excess);
      state.earlierChanges += excess;
    }
    state.champions = state.champions.slice(-CHAMPION_REGISTRY_LIMITS.keptChampions);
    upsertSearchAttributes([{ key: ML_MODEL_ID, value: change.to }]);
  }

  /** The pointer first: if it cannot be written the change fails and the state stays as it was. */
  async function publish(modelId: string, reason: string): Promise<void> {
    await steps(`point ${pipeline} · ${dataset} at ${modelId}`).writeChampionPointer({
      pipeline,
      dataset,
      modelId,
      reason,
      promotedAt: new Date().toISOString(),
    });
  }

  const alreadyApplied = (updateId: string) => state.changes.some((change) => change.updateId === updateId);

  async function promote(request: PromoteChampionUpdate, updateId: string): Promise<ChampionStateBody> {
    const from = state.champions.at(-1) ?? null;
    // A repeated update id (a retried training step) or the champion itself: nothing changes.
    if (alreadyApplied(updateId) || request.modelId === from) return current()!;
    try {
      await steps(`check ${request.modelId} for ${pipeline} · ${dataset}`).checkChampionCandidate({
        pipeline,
        dataset,
        modelId: request.modelId,
      });
    } catch (err) {
      throw surfaceBadInput(err);
    }
    await publish(request.modelId, request.reason);
    state.champions.push(request.modelId);
    record({ action: 'promote', from, to: request.modelId, ...changeOf(request, updateId) });
    return current()!;
  }

  async function rollback(request: RollbackChampionUpdate, updateId: string): Promise<ChampionStateBody> {
    if (alreadyApplied(updateId)) return current()!;
    const [to, from] = state.champions.slice(-2);
    if (state.champions.length < 2) throw noPreviousChampion();
    try {
      await steps(`check ${to} for ${pipeline} · ${dataset}`).checkChampionCandidate({
        pipeline,
        dataset,
        modelId: to,
      });
    } catch (err) {
      const cause = surfaceBadInput(err);
      throw ApplicationFailure.create({
        message: `The previous champion "${to}" can no longer be promoted: ${(cause as Error).message}`,
        type: ChampionFailureType.noPreviousChampion,
        nonRetryable: true,
      });
    }
    await publish(to, request.reason);
    state.champions.pop();
    record({ action: 'rollback', from, to, ...changeOf(request, updateId) });
    return current()!;
  }

  function noPreviousChampion(): ApplicationFailure {
    return ApplicationFailure.create({
      message: `The ${pipeline} champion of "${dataset}" has no previous champion to roll back to`,
      type: ChampionFailureType.noPreviousChampion,
      nonRetryable: true,
    });
  }

  /** A champion pointer written before this registry existed becomes its first champion. */
  async function adoptPointer(): Promise<void> {
    const pointer = await steps(`read the ${pipeline} champion pointer of ${dataset}`).readChampionPointer({
      pipeline,
      dataset,
    });
    if (!pointer) return;
    state.champions.push(pointer.modelId);
    record({
      action: 'adopt',
      from: null,
      to: pointer.modelId,
      reason: `the champion when the registry started (promoted ${pointer.promotedAt}: ${pointer.reason})`,
      actor: 'champion registry',
      source: { kind: 'registry', id: registryId },
      updateId: `adopt:${registryId}`,
    });
  }

  // Queued before any handler exists, so the first update (update-with-start) runs after the adoption.
  const adoption = input.carried ? Promise.resolve() : changes.run(adoptPointer);

  setHandler(currentChampionQuery, current);
  setHandler(championHistoryQuery, () => ({
    pipeline,
    dataset,
    registryId,
    changes: state.changes,
    earlierChanges: state.earlierChanges,
  }));
  setHandler(
    promoteChampionUpdate,
    (request) => {
      const updateId = currentUpdateInfo()?.id ?? '';
      return changes.run(() => promote(request, updateId));
    },
    { validator: validatePromotion },
  );
  setHandler(
    rollbackChampionUpdate,
    (request) => {
      const updateId = currentUpdateInfo()?.id ?? '';
      return changes.run(() => rollback(request, updateId));
    },
    {
      validator: (request: RollbackChampionUpdate) => {
        validateChange(request);
        // Rejected here (and so never in the history) only when no queued change could give it a previous one.
        if (changes.idle && state.champions.length < 2) throw noPreviousChampion();
      },
    },
  );

  await adoption;
  const limit = input.continueAsNewAfterEvents ?? CHAMPION_REGISTRY_LIMITS.continueAsNewAfterEvents;
  await condition(
    () => changes.idle && (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= limit),
  );
  // Every accepted change finishes in this run; the next one starts with the state they left.
  await condition(allHandlersFinished);
  await continueAsNew<typeof championRegistryWorkflow>({ ...input, carried: state });
}

function changeOf(request: RollbackChampionUpdate, updateId: string) {
  return { reason: request.reason, actor: request.actor, source: request.source, updateId };
}
