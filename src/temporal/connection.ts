import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { setTimeout as sleep } from 'node:timers/promises';

export interface TemporalConnections {
  client: Client;
  workerConnection: NativeConnection;
  close(): Promise<void>;
}

/**
 * Connects the client and the worker's native connection, retrying while a just-started server is
 * still bringing its namespace up.
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
      if (Date.now() > deadline)
        throw new Error(`Cannot reach Temporal at ${address} (namespace "${namespace}"): ${(err as Error).message}`);
      await sleep(500);
    }
  }
}
