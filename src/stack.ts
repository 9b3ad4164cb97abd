import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import { resolveApiKeys, type ResolvedApiKeys } from './api/api-keys.js';
import { buildApp } from './api/app.js';
import type { AppConfig } from './config.js';
import { removeLeftovers } from './processes/leftovers.js';
import { startWorkerProcesses, type WorkerProcesses } from './processes/worker-processes.js';
import { startDevServer, type RunningDevServer } from './temporal/dev-server.js';
import { connectTemporal, type TemporalConnections } from './temporal/connection.js';
import { ensureTemporalCli } from './temporal/cli.js';
import { writeWorkflowBundleInChild } from './temporal/workflow-bundle-process.js';

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
  /** The Temporal worker processes (restarted when one dies). */
  workers: WorkerProcesses;
  api: FastifyInstance;
  /** Resolves once stop() has stopped everything. */
  stopped: Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** How many worker processes to run (0: none here, workers run elsewhere). */
  workers: number;
}

/**
 * The whole product on one machine: the embedded Temporal dev server (unless TEMPORAL_ADDRESS names one),
 * the API in this process and `workers` Temporal worker processes, stopped in reverse order.
 */
export async function startStack(
  configured: AppConfig,
  log: (line: string) => void,
  options: StackOptions,
): Promise<RunningStack> {
  // First, so a broken state dir fails before anything starts; a stack without a key would be open to anyone.
  const apiKeys = await resolveApiKeys(configured);
  const { config } = apiKeys;
  // The SDK logs every worker state change at INFO; operators need warnings and errors.
  Runtime.install({ logger: new DefaultLogger((process.env.LOG_LEVEL as 'WARN' | undefined) ?? 'WARN') });
  // A process killed mid-write (a power cut, kill -9) leaves only a temp sibling; its retry writes anew.
  await removeLeftovers([config.dataDir, config.modelStoreDir], log);
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
      log,
    });
    temporalAddress = devServer.address;
  }
  try {
    return await startServing(config, apiKeys, temporalAddress, devServer, options, log);
  } catch (err) {
    // Nothing half-started stays behind (the dev server would hold the ports and the SQLite file).
    await devServer?.stop();
    throw err;
  }
}

async function startServing(
  config: AppConfig,
  apiKeys: ResolvedApiKeys,
  temporalAddress: string,
  devServer: RunningDevServer | undefined,
  options: StackOptions,
  log: (line: string) => void,
): Promise<RunningStack> {
  const connections = await connectTemporal(temporalAddress, config.namespace);
  const api = await buildApp({ config, client: connections.client });
  let workers: WorkerProcesses;
  try {
    // Listening first: a taken port fails the start before any worker process exists.
    await api.listen({ host: config.apiHost, port: config.apiPort });
    // Bundled once here, so the worker processes (and every restart of one) start without webpack.
    const workflowBundlePath =
      options.workers > 0 ? await writeWorkflowBundleInChild(join(config.stateDir, 'workflow-bundle.js')) : undefined;
    workers = startWorkerProcesses({
      count: options.workers,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: temporalAddress,
        DATA_DIR: config.dataDir,
        MODEL_STORE_DIR: config.modelStoreDir,
        STATE_DIR: config.stateDir,
        WORKFLOW_BUNDLE_PATH: workflowBundlePath,
      },
      log,
    });
  } catch (err) {
    await api.close();
    await connections.close();
    throw err;
  }
  const address = api.server.address();
  const port = typeof address === 'object' && address ? address.port : config.apiPort;

  let stopping: Promise<void> | undefined;
  let markStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolveStopped) => (markStopped = resolveStopped));
  return {
    config,
    apiKeys,
    apiKey: config.apiKeys[0],
    temporalAddress,
    temporalUiUrl: config.temporalUiUrl,
    apiUrl: `http://${config.apiHost}:${port}`,
    connections,
    workers,
    api,
    stopped,
    stop() {
      stopping ??= (async () => {
        await api.close();
        await workers.stop();
        await connections.close();
        await devServer?.stop();
        markStopped();
      })();
      return stopping;
    },
  };
}
