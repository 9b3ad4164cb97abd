/**
 * A full garbage collection on demand: for pool threads (compute/task-runner.ts, and tasks that just dropped
 * a large input), and for a worker's event loop once it is idle. V8 collects when JavaScript allocates; a fit
 * that works in arrays it allocated up front allocates little, so the buffers it dropped stayed resident for
 * the whole fit, and an idle event loop allocates nothing, so a finished run's garbage stayed until the next.
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

/** Told when activities start and end; collects once they have all been over for a while. */
export interface IdleCollector {
  activityStarted(): void;
  activityFinished(): void;
}

/**
 * One full collection on this thread once no activity has run for `delayMs`: after a run the worker's event
 * loop still holds that run's garbage (the gold read, query results, candidate JSON; at 10× about 60 MB of a
 * 320 MB worker), which an idle loop would keep until the next run. Nothing is serving then, so the pause costs
 * nothing. The timer never keeps a process alive.
 */
export function createIdleCollector(
  delayMs: number,
  collect: () => void = () => exposedCollection()?.(),
): IdleCollector {
  let running = 0;
  let timer: NodeJS.Timeout | undefined;
  return {
    activityStarted() {
      running++;
      clearTimeout(timer);
      timer = undefined;
    },
    activityFinished() {
      running = Math.max(0, running - 1);
      if (running > 0) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        collect();
      }, delayMs);
      timer.unref();
    },
  };
}
