import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config.js';
import { connectTemporal } from '../temporal/connection.js';
import { apiKeyBanner, resolveApiKeys } from './api-keys.js';
import { buildApp } from './app.js';

/** Stand-alone API against TEMPORAL_ADDRESS (default 127.0.0.1:7233); workers run elsewhere. */
async function run(): Promise<void> {
  // No API_KEY / API_KEYS: the key generated into STATE_DIR (the same one `npm start` uses).
  const apiKeys = await resolveApiKeys(loadConfig());
  const { config } = apiKeys;
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
  const apiUrl = await app.listen({ host: config.apiHost, port: config.apiPort });
  apiKeyBanner(apiUrl, apiKeys).forEach((line) => console.log(line));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  run().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
