/**
 * Runs a compute task for a Temporal activity: the thread does the CPU work while this event loop stays
 * free, the thread's progress becomes the activity's checkpoint details (re-sent by the worker's interval
 * heartbeats), and a cancellation of the activity terminates the thread.
 */
import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import { AsyncResource } from 'node:async_hooks';
import { MessageChannel, type MessagePort } from 'node:worker_threads';

import { checkpoint } from '../temporal/activity-context.js';
import { runCompute } from './pool.js';
import type { ComputeProgress, ComputeTask } from './task.js';

export interface ActivityComputeOptions {
  /** Buffers moved into the thread (the caller must not use them afterwards). */
  transferList?: ArrayBuffer[];
  /** Turns the thread's progress into checkpoint details (default: as posted). */
  describe?: (progress: ComputeProgress) => unknown;
  /** Among tasks submitted together, higher starts first (see `runCompute`). */
  priority?: number;
}

/**
 * `makeInput` receives the port the task posts its progress to (`reportProgress` in `task.ts`). Throws
 * Temporal's `CancelledFailure` when the activity was cancelled while the thread worked.
 */
export async function runComputeInActivity<TInput, TOutput>(
  task: ComputeTask<TInput, TOutput>,
  makeInput: (progress: MessagePort) => TInput,
  options: ActivityComputeOptions = {},
): Promise<TOutput> {
  const signal = Context.current().cancellationSignal;
  const describe = options.describe ?? ((progress: ComputeProgress) => progress);
  const channel = new MessageChannel();
  // Bound to the activity's context (checkpoint reads it). A cancellation found by a checkpoint surfaces
  // through the aborted task below, so the checkpoint's own throw is moot.
  const onProgress = AsyncResource.bind((progress: ComputeProgress) => {
    checkpoint(describe(progress)).catch(() => undefined);
  });
  channel.port1.on('message', onProgress);
  try {
    return await runCompute(task, makeInput(channel.port2), {
      signal,
      transferList: [...(options.transferList ?? []), channel.port2],
      priority: options.priority,
    });
  } catch (err) {
    if (signal.aborted) {
      throw signal.reason instanceof CancelledFailure ? signal.reason : new CancelledFailure('Activity cancelled');
    }
    throw err;
  } finally {
    channel.port1.close();
  }
}
