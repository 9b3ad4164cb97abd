import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from './config.js';
import { createWorker } from './temporal/worker.js';

/** Stand-alone worker against TEMPORAL_ADDRESS (default localhost:7233); stops gracefully on SIGINT/SIGTERM. */
async function run(): Promise<void> {
  const config = loadConfig();
  const connection = await NativeConnection.connect({
    address: config.temporalAddress ?? `127.0.0.1:${config.devServerPort}`,
  });
  try {
    const worker = await createWorker({ config, connection });
    // The SDK installs SIGINT/SIGTERM handlers that call worker.shutdown(): in-flight activities finish first.
    console.log(`Worker polling task queue "${config.taskQueue}" in namespace "${config.namespace}"`);
    await worker.run();
  } finally {
    await connection.close();
  }
}

run().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
