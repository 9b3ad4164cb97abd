import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DataValidationError } from '../failures.js';
import { safeFileName, writeJsonAtomic } from './atomic-file.js';

/** Bumped when the artifact layout changes; readers refuse versions they do not know. */
export const MODEL_ARTIFACT_SCHEMA_VERSION = 1;

/** The families of stored models: each pipeline that saves models names its artifacts with one of these. */
export const MODEL_PIPELINES = ['segmentation', 'loan'] as const;
export type ModelPipeline = (typeof MODEL_PIPELINES)[number];

/** What every stored model carries besides its weights: enough to reproduce and audit it. */
export interface ModelMetadata {
  modelId: string;
  pipeline: ModelPipeline;
  /** The algorithm, e.g. 'kmeans', 'gmm', 'gradient-boosting'. */
  algorithm: string;
  createdAt: string;
  params: Record<string, unknown>;
  metrics: Record<string, unknown>;
  lineage: {
    workflowId: string;
    runId: string;
    dataFingerprints: Record<string, string>;
    [key: string]: unknown;
  };
}

export interface ModelArtifact<TModel = unknown> extends ModelMetadata {
  schemaVersion: number;
  model: TModel;
}

const MODEL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export class ModelNotFoundError extends Error {
  constructor(readonly modelId: string) {
    super(`Model "${modelId}" is not in the model store`);
    this.name = 'ModelNotFoundError';
  }
}

export function isValidModelId(modelId: string): boolean {
  return MODEL_ID_PATTERN.test(modelId) && !modelId.includes('..');
}

function artifactPath(storeDir: string, modelId: string): string {
  if (!isValidModelId(modelId)) throw new ModelNotFoundError(modelId);
  return join(storeDir, `${modelId}.json`);
}

/** Saves atomically under a deterministic name, so a retried save rewrites the same file. */
export async function saveModel<TModel>(
  storeDir: string,
  artifact: Omit<ModelArtifact<TModel>, 'schemaVersion'>,
): Promise<string> {
  const path = artifactPath(storeDir, artifact.modelId);
  await writeJsonAtomic(path, { schemaVersion: MODEL_ARTIFACT_SCHEMA_VERSION, ...artifact });
  return path;
}

export async function loadModel<TModel = unknown>(storeDir: string, modelId: string): Promise<ModelArtifact<TModel>> {
  let text: string;
  try {
    text = await readFile(artifactPath(storeDir, modelId), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ModelNotFoundError(modelId);
    throw err;
  }
  const artifact = JSON.parse(text) as ModelArtifact<TModel>;
  if (artifact.schemaVersion !== MODEL_ARTIFACT_SCHEMA_VERSION) {
    throw new Error(
      `Model "${modelId}" has schema version ${artifact.schemaVersion}; this build reads ${MODEL_ARTIFACT_SCHEMA_VERSION}`,
    );
  }
  return artifact;
}

/** Metadata of every stored model (weights left out), newest first. */
export async function listModels(storeDir: string, pipeline?: ModelPipeline): Promise<ModelMetadata[]> {
  let names: string[];
  try {
    names = await readdir(storeDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const models: ModelMetadata[] = [];
  for (const name of names) {
    if (!name.endsWith('.json') || name.startsWith('champion')) continue;
    try {
      const { model: _weights, schemaVersion: _v, ...metadata } = await loadModel(storeDir, name.slice(0, -5));
      if (!pipeline || metadata.pipeline === pipeline) models.push(metadata);
    } catch {
      // A foreign or unreadable file in the store is skipped, not fatal for the listing.
    }
  }
  return models.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.modelId.localeCompare(a.modelId));
}

/** The pointer file each champion change writes, so readers that are not workflows (inference, monitoring, predict) see it. */
export interface ChampionPointer {
  pipeline: ModelPipeline;
  /** A champion serves one dataset: a model trained on another dataset's data never takes its place. */
  dataset: string;
  modelId: string;
  promotedAt: string;
  reason: string;
}

function championPath(storeDir: string, pipeline: ModelPipeline, dataset: string): string {
  return join(storeDir, `champion-${pipeline}--${safeFileName(dataset)}.json`);
}

export async function setChampion(storeDir: string, pointer: ChampionPointer): Promise<void> {
  await writeJsonAtomic(championPath(storeDir, pointer.pipeline, pointer.dataset), pointer);
}

export async function getChampion(
  storeDir: string,
  pipeline: ModelPipeline,
  dataset: string,
): Promise<ChampionPointer | undefined> {
  try {
    return JSON.parse(await readFile(championPath(storeDir, pipeline, dataset), 'utf8')) as ChampionPointer;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * The dataset a model was trained on, from its lineage: loan models record `lineage.dataset`; segmentation
 * models record one fingerprint keyed by their CSV's name.
 */
export function modelDataset(metadata: Pick<ModelMetadata, 'pipeline' | 'lineage'>): string | undefined {
  const { lineage } = metadata;
  if (typeof lineage.dataset === 'string') return lineage.dataset;
  const fingerprinted = Object.keys(lineage.dataFingerprints ?? {});
  return metadata.pipeline === 'segmentation' && fingerprinted.length === 1 ? fingerprinted[0] : undefined;
}

/**
 * Whether a stored model may be the champion of a pipeline and dataset: it exists, is of that pipeline and was
 * trained on that dataset. Anything else is bad input naming the model (never retried, a 400 from the API).
 */
export async function checkChampionCandidate(
  storeDir: string,
  pipeline: ModelPipeline,
  dataset: string,
  modelId: string,
): Promise<ModelMetadata> {
  let metadata: ModelMetadata;
  try {
    const { model: _weights, schemaVersion: _v, ...rest } = await loadModel(storeDir, modelId);
    metadata = rest;
  } catch (err) {
    if (err instanceof ModelNotFoundError) {
      throw new DataValidationError(`Model "${modelId}" is not in the model store`, { column: 'modelId' });
    }
    throw err;
  }
  if (metadata.pipeline !== pipeline) {
    throw new DataValidationError(
      `Model "${modelId}" is a ${metadata.pipeline} model, not a ${pipeline} model: it cannot be the ${pipeline} champion`,
      { column: 'modelId' },
    );
  }
  const trainedOn = modelDataset(metadata);
  if (trainedOn !== dataset) {
    throw new DataValidationError(
      `Model "${modelId}" was trained on ${trainedOn === undefined ? 'an unrecorded dataset' : `"${trainedOn}"`}, not "${dataset}": it cannot be its champion`,
      { column: 'modelId', file: dataset },
    );
  }
  return metadata;
}
