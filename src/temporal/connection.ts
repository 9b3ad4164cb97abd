import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureSearchAttributes } from './search-attribute-registration.js';

export interface TemporalConnections {
  client: Client;
  workerConnection: NativeConnection;
  close(): Promise<void>;
}

/** The search attributes cannot be registered through the operator service (permission or support). */
export class SearchAttributeSetupError extends Error {
  constructor(cause: string) {
    super(
      `Cannot register the search attributes MlPipeline, MlDataset, MlModelId, MlDecision (Keyword) and ` +
        `MlTestAuc (Double): ${cause}. Add them to the namespace (e.g. temporal operator search-attribute create).`,
    );
  }
}

/**
 * Connects the client and the worker's native connection, retrying while a just-started server is
 * still bringing its namespace up, and makes sure the run index's search attributes are registered.
 */
export async function connectTemporal(
  address: string,
  namespace: string,
  timeoutMs = 60_000,
): Promise<TemporalConnections> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address });
      const client = new Client({ connection, namespace });
      await client.workflowService.describeNamespace({ namespace });
      // The run index's attributes: already there on the embedded dev server, added once on any other.
      await ensureSearchAttributes(connection, namespace).catch((err: { code?: number; message?: string }) => {
        // Denied or unsupported (e.g. a cloud namespace): retrying cannot help; register them there by hand.
        if (err.code === 7 || err.code === 12)
          throw new SearchAttributeSetupError(err.message ?? `gRPC status ${err.code}`);
        throw err;
      });
      const workerConnection = await NativeConnection.connect({ address });
      return {
        client,
        workerConnection,
        async close() {
          await workerConnection.close();
          await connection?.close();
        },
      };
    } catch (err) {
      await connection?.close().catch(() => undefined);
      if (err instanceof SearchAttributeSetupError) throw err;
      if (Date.now() > deadline)
        throw new Error(`Cannot reach Temporal at ${address} (namespace "${namespace}"): ${(err as Error).message}`);
      await sleep(500);
    }
  }
}
