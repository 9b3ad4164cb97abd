/**
 * A full garbage collection on demand, for pool threads (compute/task-runner.ts, and tasks that just dropped
 * a large input). V8 collects when JavaScript allocates; a fit that works in arrays it allocated up front
 * allocates little, so the buffers it dropped stayed resident for the whole fit.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMainThread } from 'node:worker_threads';

let fullCollection: (() => void) | null | undefined;

/** V8's full collection, or null if this runtime refuses to expose it. */
function exposedCollection(): (() => void) | null {
  if (fullCollection === undefined) {
    try {
      // `gc` is exposed to contexts created while the flag is set; it is reset at once, so no other context
      // (the workflow sandboxes among them) sees a `gc` global.
      setFlagsFromString('--expose-gc');
      fullCollection = runInNewContext('gc') as () => void;
    } catch {
      fullCollection = null;
    } finally {
      setFlagsFromString('--no-expose-gc');
    }
  }
  return fullCollection;
}

/**
 * Collects garbage now, on a pool thread only: on a main thread (a test calling a task directly, the worker's
 * event loop) a full collection would only pause what that loop serves.
 */
export function collectGarbageOnPoolThread(): void {
  if (!isMainThread) exposedCollection()?.();
}
