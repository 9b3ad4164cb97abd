import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import { resolveApiKeys, type ResolvedApiKeys } from './api/api-keys.js';
import { buildApp } from './api/app.js';
import type { AppConfig } from './config.js';
import { startDevServer, type RunningDevServer } from './temporal/dev-server.js';
import { connectTemporal, type TemporalConnections } from './temporal/connection.js';
import { ensureTemporalCli } from './temporal/cli.js';
import { createWorker } from './temporal/worker.js';

export interface RunningStack {
  /** The config the API runs with: its apiKeys include the generated key when none was configured. */
  config: AppConfig;
  /** The keys and, when none was configured, the generated key file (for the banner main.ts prints). */
  apiKeys: ResolvedApiKeys;
  /** A key the API accepts, for the demo's requests. */
  apiKey: string;
  temporalAddress: string;
  temporalUiUrl: string | undefined;
  apiUrl: string;
  connections: TemporalConnections;
  worker: Worker;
  api: FastifyInstance;
  /** Resolves when the worker stops (after a shutdown signal or stop()). */
  workerDone: Promise<void>;
  stop(): Promise<void>;
}

/**
 * The whole product on one machine: the embedded Temporal dev server (unless TEMPORAL_ADDRESS names one),
 * the worker and the API, stopped in reverse order.
 */
export async function startStack(configured: AppConfig, log: (line: string) => void): Promise<RunningStack> {
  // First, so a broken state dir fails before anything starts; a stack without a key would be open to anyone.
  const apiKeys = await resolveApiKeys(configured);
  const { config } = apiKeys;
  // The SDK logs every worker state change at INFO; operators need warnings and errors.
  Runtime.install({ logger: new DefaultLogger((process.env.LOG_LEVEL as 'WARN' | undefined) ?? 'WARN') });
  let devServer: RunningDevServer | undefined;
  let temporalAddress = config.temporalAddress;
  if (!temporalAddress) {
    const cliPath = await ensureTemporalCli(log);
    log(`Starting the Temporal dev server on 127.0.0.1:${config.devServerPort} (UI on ${config.devServerUiPort}) ...`);
    devServer = await startDevServer({
      cliPath,
      port: config.devServerPort,
      uiPort: config.devServerUiPort,
      dbFile: join(config.stateDir, 'temporal.sqlite'),
      namespace: config.namespace,
      logDir: config.stateDir,
    });
    temporalAddress = devServer.address;
  }
  const connections = await connectTemporal(temporalAddress, config.namespace);
  const worker = await createWorker({ config, connection: connections.workerConnection });
  const workerDone = worker.run();
  const api = await buildApp({ config, client: connections.client });
  await api.listen({ host: config.apiHost, port: config.apiPort });
  const address = api.server.address();
  const port = typeof address === 'object' && address ? address.port : config.apiPort;

  let stopping: Promise<void> | undefined;
  return {
    config,
    apiKeys,
    apiKey: config.apiKeys[0],
    temporalAddress,
    temporalUiUrl: config.temporalUiUrl,
    apiUrl: `http://${config.apiHost}:${port}`,
    connections,
    worker,
    api,
    workerDone,
    stop() {
      stopping ??= (async () => {
        await api.close();
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await workerDone.catch(() => undefined);
        await connections.close();
        await devServer?.stop();
      })();
      return stopping;
    },
  };
}
