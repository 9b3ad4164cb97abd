/**
 * Loaded models kept in memory by id, so a prediction does not read and parse a multi-megabyte artifact on
 * every request. A cached model is checked against its file on each use (one `stat`): a re-saved artifact
 * (a retried training step rewrites the same id) is read again, a deleted one is gone. Bounded, least
 * recently used first out.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelNotFoundError, isValidModelId, loadModel, type ModelArtifact } from './model-store.js';

interface CachedModel {
  artifact: ModelArtifact;
  /** The file's identity when it was read: modification time and size. */
  version: string;
}

export interface ModelCache {
  load(modelId: string): Promise<ModelArtifact>;
  /** How many models are held (for tests and diagnostics). */
  readonly size: number;
}

/** The default bound: models are a few MB each, so this stays well under 100 MB. */
export const MODEL_CACHE_ENTRIES = 16;

async function fileVersion(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path);
    return `${info.mtimeMs}:${info.size}`;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export function createModelCache(storeDir: string, maxEntries = MODEL_CACHE_ENTRIES): ModelCache {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  const entries = new Map<string, CachedModel>();
  // Concurrent first requests for one model share one read.
  const loading = new Map<string, Promise<CachedModel>>();

  async function read(modelId: string, version: string): Promise<CachedModel> {
    const artifact = await loadModel(storeDir, modelId);
    return { artifact, version };
  }

  return {
    get size() {
      return entries.size;
    },
    async load(modelId) {
      if (!isValidModelId(modelId)) throw new ModelNotFoundError(modelId);
      const version = await fileVersion(join(storeDir, `${modelId}.json`));
      if (version === undefined) {
        entries.delete(modelId);
        throw new ModelNotFoundError(modelId);
      }
      const cached = entries.get(modelId);
      if (cached?.version === version) {
        entries.delete(modelId);
        entries.set(modelId, cached);
        return cached.artifact;
      }
      const key = `${modelId}@${version}`;
      let pending = loading.get(key);
      if (!pending) {
        pending = read(modelId, version).finally(() => loading.delete(key));
        loading.set(key, pending);
      }
      const fresh = await pending;
      entries.delete(modelId);
      entries.set(modelId, fresh);
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
      return fresh.artifact;
    },
  };
}

const caches = new Map<string, ModelCache>();

/** The process's cache for one model store. */
export function modelCacheFor(storeDir: string): ModelCache {
  let cache = caches.get(storeDir);
  if (!cache) {
    cache = createModelCache(storeDir);
    caches.set(storeDir, cache);
  }
  return cache;
}
