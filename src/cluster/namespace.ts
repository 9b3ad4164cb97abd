/**
 * On a real server a namespace exists only once registered (the dev server creates its own). Registered
 * here through the workflow service, then the app's search attributes through the operator service
 * (connectTemporal does that, as every app process does when it connects).
 */
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { setTimeout as sleep } from 'node:timers/promises';

/** gRPC status codes the registration tells apart. */
const GRPC = { ALREADY_EXISTS: 6, NOT_FOUND: 5 } as const;

/** Closed runs are kept this long (as the CLI's `namespace create` default). */
const RETENTION = '3 days';

/**
 * Registers the namespace unless it exists; returns whether this call created it. Retries while the
 * just-started frontend is not serving yet.
 */
export async function ensureNamespace(address: string, namespace: string, timeoutMs = 120_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return false;
      } catch (err) {
        if ((err as { code?: number }).code !== GRPC.NOT_FOUND) throw err;
      }
      try {
        await connection.workflowService.registerNamespace({
          namespace,
          description: 'ML pipelines (temporal cluster on PostgreSQL)',
          workflowExecutionRetentionPeriod: msToTs(RETENTION),
        });
        return true;
      } catch (err) {
        if ((err as { code?: number }).code === GRPC.ALREADY_EXISTS) return false;
        throw err;
      }
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`Cannot register namespace "${namespace}" at ${address}: ${(err as Error).message}`);
      await sleep(1_000);
    } finally {
      await connection?.close().catch(() => undefined);
    }
  }
}
