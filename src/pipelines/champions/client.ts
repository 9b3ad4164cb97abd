/**
 * The champion registry seen from outside workflows (the API and the training run's promotion activity):
 * changes by update-with-start, so a registry is created on its first change, and reads by query.
 */
import {
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure, type QueryDefinition, type UpdateDefinition } from '@temporalio/common';
import { DataValidationError, FailureType, type DataValidationDetails } from '../../failures.js';
import { ML_DATASET } from '../../temporal/search-attributes.js';
import { championRegistryId } from './config.js';
import {
  ChampionFailureType,
  type ChampionHistoryBody,
  type ChampionStateBody,
  type ChampionTarget,
  type PromoteChampionUpdate,
  type RollbackChampionUpdate,
} from './contract.js';
import {
  championHistoryQuery,
  championRegistryWorkflow,
  currentChampionQuery,
  promoteChampionUpdate,
  rollbackChampionUpdate,
} from './workflows.js';

/** A change the registry's state forbids (a rollback with nothing to go back to): the API's 409. */
export class ChampionConflictError extends Error {
  override name = 'ChampionConflictError';
  readonly statusCode = 409;
}

function registryStart(taskQueue: string, { pipeline, dataset }: ChampionTarget) {
  return new WithStartWorkflowOperation(championRegistryWorkflow, {
    workflowId: championRegistryId(pipeline, dataset),
    taskQueue,
    args: [{ pipeline, dataset }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    staticSummary: `champion registry · ${pipeline} · ${dataset}`,
    staticDetails: `The **${pipeline}** champion of \`${dataset}\`: its updates are the audit log of every change`,
    typedSearchAttributes: [{ key: ML_DATASET, value: dataset }],
  });
}

/** A failed change as the rest of the product reads failures: bad input (400) or a conflict (409). */
function changeFailure(err: unknown): unknown {
  const failure = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
  if (failure instanceof ApplicationFailure) {
    if (failure.type === FailureType.badInput) {
      const details: DataValidationDetails = failure.details?.[0] ?? {};
      return new DataValidationError(failure.message, details);
    }
    if (failure.type === ChampionFailureType.noPreviousChampion) return new ChampionConflictError(failure.message);
  }
  return err;
}

/**
 * What the server answers when the registry's workflow task failed while it took the update. Seen once under
 * heavy load: the task timed out, then the server refused the worker's acceptance of the update (the SDK bug
 * reported as temporalio/sdk-rust#888). The server calls it transient, and a change is idempotent by its update
 * id, so the change is simply sent again.
 */
const TRANSIENT_UPDATE_FAILURE = /unexpected workflow task failure/i;

/** Sends a change again after each delay while the server answers with a transient update failure. */
export async function retryingTransientUpdateFailures<T>(
  send: () => Promise<T>,
  delaysMs: readonly number[] = [250, 1000, 4000],
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      const transient = err instanceof Error && TRANSIENT_UPDATE_FAILURE.test(err.message);
      if (!transient || attempt >= delaysMs.length) throw err;
      await new Promise((resolve) => setTimeout(resolve, delaysMs[attempt]));
    }
  }
}

export interface ChangeOptions {
  taskQueue: string;
  /** One id per request or run: the same id again changes nothing twice. */
  updateId: string;
}

/**
 * Sends one change to the registry, starting it if it does not exist yet; a transient refusal is retried (the
 * update id makes it idempotent), a refusal of the change itself becomes the API's 400 or 409.
 */
async function changeRegistry<TChange>(
  client: Client,
  update: UpdateDefinition<ChampionStateBody, [TChange]>,
  target: ChampionTarget,
  change: TChange,
  { taskQueue, updateId }: ChangeOptions,
): Promise<ChampionStateBody> {
  try {
    return await retryingTransientUpdateFailures(() =>
      client.workflow.executeUpdateWithStart(update, {
        updateId,
        args: [change],
        // A fresh operation per attempt: one is spent once used.
        startWorkflowOperation: registryStart(taskQueue, target),
      }),
    );
  } catch (err) {
    throw changeFailure(err);
  }
}

/** Makes `modelId` the champion (the registry checks it exists and belongs to the pipeline and dataset). */
export function promoteChampion(
  client: Client,
  target: ChampionTarget,
  change: PromoteChampionUpdate,
  options: ChangeOptions,
): Promise<ChampionStateBody> {
  return changeRegistry(client, promoteChampionUpdate, target, change, options);
}

/** Back to the champion before the current one (a ChampionConflictError when there is none). */
export function rollbackChampion(
  client: Client,
  target: ChampionTarget,
  change: RollbackChampionUpdate,
  options: ChangeOptions,
): Promise<ChampionStateBody> {
  return changeRegistry(client, rollbackChampionUpdate, target, change, options);
}

async function queryRegistry<T>(
  client: Client,
  { pipeline, dataset }: ChampionTarget,
  query: QueryDefinition<T>,
): Promise<T | undefined> {
  try {
    return await client.workflow.getHandle(championRegistryId(pipeline, dataset)).query(query);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** The current champion; undefined when no change has been recorded (or the registry does not exist). */
export async function readChampion(client: Client, target: ChampionTarget): Promise<ChampionStateBody | undefined> {
  return (await queryRegistry(client, target, currentChampionQuery)) ?? undefined;
}

/** Every recorded change, oldest first; undefined when the registry does not exist. */
export async function readChampionHistory(
  client: Client,
  target: ChampionTarget,
): Promise<ChampionHistoryBody | undefined> {
  return queryRegistry(client, target, championHistoryQuery);
}
