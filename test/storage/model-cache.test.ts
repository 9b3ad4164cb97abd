import assert from 'node:assert/strict';
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createModelCache } from '../../src/storage/model-cache.js';
import { ModelNotFoundError, saveModel } from '../../src/storage/model-store.js';

function artifact(modelId: string, weight: number) {
  return {
    modelId,
    pipeline: 'segmentation' as const,
    algorithm: 'kmeans',
    createdAt: '2026-01-01T00:00:00.000Z',
    params: {},
    metrics: {},
    lineage: { workflowId: 'w', runId: 'r', dataFingerprints: {} },
    model: { weight },
  };
}

describe('model cache', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'model-cache-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('reads a model once and serves the same object afterwards', async () => {
    await saveModel(dir, artifact('m1', 1));
    const cache = createModelCache(dir);
    const [a, b] = await Promise.all([cache.load('m1'), cache.load('m1')]);
    assert.equal(a, b, 'concurrent first loads share one read');
    assert.equal(await cache.load('m1'), a);
    assert.deepEqual(a.model, { weight: 1 });
  });

  it('reads a re-saved artifact again and forgets a deleted one', async () => {
    const cache = createModelCache(dir);
    await saveModel(dir, artifact('m2', 1));
    const first = await cache.load('m2');
    // A retried save rewrites the same id with new content (and a new size, so even a coarse clock sees it).
    await saveModel(dir, artifact('m2', 12345));
    const second = await cache.load('m2');
    assert.notEqual(second, first);
    assert.deepEqual(second.model, { weight: 12345 });
    await unlink(join(dir, 'm2.json'));
    await assert.rejects(cache.load('m2'), ModelNotFoundError);
    assert.equal(cache.size, 0);
  });

  it('holds at most its bound, dropping the least recently used', async () => {
    const cache = createModelCache(dir, 2);
    for (const id of ['a', 'b', 'c']) await saveModel(dir, artifact(id, 0));
    const a = await cache.load('a');
    await cache.load('b');
    assert.equal(await cache.load('a'), a, 'a was used last, so b is the oldest');
    await cache.load('c');
    assert.equal(cache.size, 2);
    assert.equal(await cache.load('a'), a, 'a is still held');
  });

  it('refuses ids that are not model ids', async () => {
    const cache = createModelCache(dir);
    await assert.rejects(cache.load('../etc/passwd'), ModelNotFoundError);
  });
});
