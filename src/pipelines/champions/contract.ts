/**
 * The champion registry's bodies (written once as TypeBox schemas: API validation, OpenAPI and types), its
 * update arguments and the activities its workflow and the training run call. Pure: safe inside the sandbox.
 */
import Type, { type Static } from 'typebox';
import type { ModelPipeline } from '../../storage/model-store.js';

/** Failure types a change can end with (besides the shared bad input, `DataValidationError`). */
export const ChampionFailureType = {
  /** A rollback with no earlier champion to go back to: the API's 409. */
  noPreviousChampion: 'NoPreviousChampion',
} as const;

const reason = Type.String({
  minLength: 1,
  maxLength: 1000,
  description: 'Why: recorded in the history with who made the change',
});

export const PromoteChampionRequest = Type.Object(
  {
    modelId: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'A stored model of this pipeline, trained on this dataset',
    }),
    reason,
  },
  { additionalProperties: false },
);
export type PromoteChampionBody = Static<typeof PromoteChampionRequest>;

export const RollbackChampionRequest = Type.Object({ reason }, { additionalProperties: false });
export type RollbackChampionBody = Static<typeof RollbackChampionRequest>;

export const CHANGE_SOURCES = ['api', 'training-run', 'registry'] as const;

export const ChangeSource = Type.Object(
  {
    kind: Type.Enum([...CHANGE_SOURCES], { description: 'api request, training run, or the registry itself' }),
    id: Type.String({ description: 'The API request id, or the training run as <workflowId>/<runId>' }),
  },
  { description: 'Which request or run made the change' },
);
export type ChangeSourceBody = Static<typeof ChangeSource>;

export const ChampionChange = Type.Object({
  sequence: Type.Integer({ minimum: 1, description: "The change's number in the registry's life" }),
  action: Type.Enum(['promote', 'rollback', 'adopt'], {
    description: 'adopt: the champion pointer found when the registry first started',
  }),
  from: Type.Union([Type.String(), Type.Null()], { description: 'The champion before (null: none)' }),
  to: Type.String({ description: 'The champion after' }),
  reason: Type.String(),
  actor: Type.String({
    description: 'Who: the API key fingerprint (sha256:…), "training run <id>" or "schedule <id>"',
  }),
  source: ChangeSource,
  at: Type.String({ description: 'When (ISO time)' }),
  updateId: Type.String({ description: 'The Temporal update id: a repeated id changes nothing twice' }),
});
export type ChampionChangeBody = Static<typeof ChampionChange>;

export const ChampionState = Type.Object({
  pipeline: Type.String(),
  dataset: Type.String(),
  modelId: Type.String({ description: 'The current champion' }),
  since: Type.String({ description: 'When it became the champion' }),
  previousModelId: Type.Union([Type.String(), Type.Null()], {
    description: 'What a rollback would return to (null: nothing)',
  }),
  lastChange: ChampionChange,
  changes: Type.Integer({ description: 'How many changes the registry has recorded' }),
  registryId: Type.String({ description: 'The registry workflow: its history is the audit log' }),
});
export type ChampionStateBody = Static<typeof ChampionState>;

export const ChampionHistory = Type.Object({
  pipeline: Type.String(),
  dataset: Type.String(),
  registryId: Type.String(),
  changes: Type.Array(ChampionChange, { description: 'Every change, oldest first' }),
  earlierChanges: Type.Integer({
    description: 'Older changes no longer carried (they remain in earlier runs of the registry workflow)',
  }),
});
export type ChampionHistoryBody = Static<typeof ChampionHistory>;

/** A registry's view: its champion (null before the first change) and its changes. */
export interface ChampionView {
  current: ChampionStateBody | null;
  history: ChampionHistoryBody;
}

/** The `promote` update's argument: a change always says who asked and which request or run it was. */
export interface PromoteChampionUpdate {
  modelId: string;
  reason: string;
  actor: string;
  source: ChangeSourceBody;
}

export type RollbackChampionUpdate = Omit<PromoteChampionUpdate, 'modelId'>;

/** What a registry carries into its next run (continue-as-new). */
export interface ChampionRegistryState {
  /** Champions in the order they took over, the current one last: a rollback pops it. */
  champions: string[];
  changes: ChampionChangeBody[];
  /** How many older changes were dropped from `changes`. */
  earlierChanges: number;
  nextSequence: number;
}

export interface ChampionRegistryInput {
  pipeline: ModelPipeline;
  dataset: string;
  /** Set by continue-as-new. */
  carried?: ChampionRegistryState;
  /** Overrides CHAMPION_REGISTRY_LIMITS.continueAsNewAfterEvents (tests). */
  continueAsNewAfterEvents?: number;
}

export interface ChampionTarget {
  pipeline: ModelPipeline;
  dataset: string;
}

export interface ChampionPointerBody extends ChampionTarget {
  modelId: string;
  promotedAt: string;
  reason: string;
}

/** The champion activities, as the registry workflow and the training run call them (implemented in activities.ts). */
export interface ChampionActivities {
  /** Bad input unless the model exists, is of the pipeline and was trained on the dataset. */
  checkChampionCandidate(args: ChampionTarget & { modelId: string }): Promise<void>;
  /** Atomically rewrites the pointer file that inference, monitoring and predict read. */
  writeChampionPointer(args: ChampionPointerBody): Promise<void>;
  /** The pointer file as found when a registry first starts (written before the registry existed). */
  readChampionPointer(args: ChampionTarget): Promise<ChampionPointerBody | null>;
  /** A training run's promotion, through the registry (update-with-start, one update id per run). */
  promoteChampionThroughRegistry(
    args: ChampionTarget & { modelId: string; reason: string; actor: string },
  ): Promise<ChampionStateBody>;
}
