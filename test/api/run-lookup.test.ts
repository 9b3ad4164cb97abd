/**
 * Waiting for a run to close (the long poll of GET /runs/:runId?waitSeconds): the Temporal client adds an abort
 * listener to the wait's signal for every request it makes while it follows the run, and never removes it.
 * Following a busy run for 30 s made eleven, and Node logged a "possible memory leak" warning in the API.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import { waitForRunToClose } from '../../src/api/run-lookup.js';

/** The client's side as the SDK does it: a listener per request on the signal in scope, none removed. */
function clientMakingRequests(requests: number): Client {
  let signalInScope: AbortSignal | undefined;
  const request = () => signalInScope!.addEventListener('abort', () => undefined);
  return {
    withAbortSignal: async <T>(signal: AbortSignal, fn: () => Promise<T>) => {
      signalInScope = signal;
      return fn();
    },
    workflow: {
      getHandle: () => ({
        // Each request is its own await, as each long poll of the history is.
        result: async () => {
          for (let i = 0; i < requests; i++) await Promise.resolve(request());
        },
      }),
    },
  } as unknown as Client;
}

describe('waitForRunToClose', () => {
  it('follows a run through many requests without a listener-leak warning', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      await waitForRunToClose(clientMakingRequests(50), 'run-1', 30_000, new AbortController().signal);
      // Warnings are emitted on a later tick.
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      process.off('warning', onWarning);
    }
    assert.deepEqual(
      warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning').map((warning) => warning.message),
      [],
    );
  });
});
