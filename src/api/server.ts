import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config.js';
import { connectTemporal } from '../temporal/connection.js';
import { buildApp } from './app.js';

/** Stand-alone API against TEMPORAL_ADDRESS (default 127.0.0.1:7233); workers run elsewhere. */
async function run(): Promise<void> {
  const config = loadConfig();
  const connections = await connectTemporal(
    config.temporalAddress ?? `127.0.0.1:${config.devServerPort}`,
    config.namespace,
  );
  const app = await buildApp({ config, client: connections.client }, { logger: true });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void app
        .close()
        .then(() => connections.close())
        .then(() => process.exit(0));
    });
  }
  await app.listen({ host: config.apiHost, port: config.apiPort });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
