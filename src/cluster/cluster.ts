/**
 * The production-shaped topology on one machine without containers: PostgreSQL, Temporal's server on it
 * (one process or one per service), the Web UI server, the app's API (in this process, as `npm start`
 * runs it) and N worker processes that share nothing but the server and the data folders. Everything
 * lives under `<STATE_DIR>/cluster/`, so a second start reuses the databases and their history.
 */
import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import { resolveApiKeys, type ResolvedApiKeys } from '../api/api-keys.js';
import { buildApp } from '../api/app.js';
import type { AppConfig } from '../config.js';
import { removeLeftovers } from '../processes/leftovers.js';
import { startWorkerProcesses, type WorkerProcesses } from '../processes/worker-processes.js';
import { connectTemporal, type TemporalConnections } from '../temporal/connection.js';
import { writeWorkflowBundleInChild } from '../temporal/workflow-bundle-process.js';
import { ensureNamespace } from './namespace.js';
import { startPostgres, type RunningPostgres } from './postgres.js';
import { ensureTemporalSchemas, type SchemaReport } from './schema.js';
import { writeServerConfig, type ClusterPorts } from './server-config.js';
import { startTemporalServer, type RunningTemporalServer, type ServiceLayout } from './temporal-server.js';
import { ensureClusterTools } from './tools.js';
import { startUiServer, type RunningUiServer } from './ui-server.js';

/** Fixed when the databases are first used; Temporal refuses to start on a different number later. */
const HISTORY_SHARDS = 4;

export interface ClusterOptions {
  config: AppConfig;
  ports: ClusterPorts;
  workers: number;
  layout: ServiceLayout;
  /** Start the Web UI server (default true). */
  ui?: boolean;
  log: (line: string) => void;
}

export interface RunningCluster {
  /** The config the API runs with (its keys, the server's address, the UI's URL). */
  config: AppConfig;
  apiKeys: ResolvedApiKeys;
  apiKey: string;
  apiUrl: string;
  temporalAddress: string;
  temporalUiUrl: string | undefined;
  /** What this start found and did: initdb or not, databases created, schema versions, namespace created. */
  report: { postgresInitialized: boolean; schema: SchemaReport; namespaceCreated: boolean; toolsBuilt: string[] };
  connections: TemporalConnections;
  server: RunningTemporalServer;
  workers: WorkerProcesses;
  api: FastifyInstance;
  /** Resolves once stop() has stopped everything. */
  stopped: Promise<void>;
  stop(): Promise<void>;
}

/** The environment of a worker process: the same data, model store, namespace and task queue as the API. */
function workerEnvironment(config: AppConfig, temporalAddress: string, bundlePath: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: config.namespace,
    TASK_QUEUE: config.taskQueue,
    DATA_DIR: config.dataDir,
    MODEL_STORE_DIR: config.modelStoreDir,
    STATE_DIR: config.stateDir,
    SCHEDULE_TIMEZONE: config.scheduleTimeZone,
    WORKFLOW_BUNDLE_PATH: bundlePath,
  };
}

export async function startCluster(options: ClusterOptions): Promise<RunningCluster> {
  const { ports, log } = options;
  const apiKeys = await resolveApiKeys(options.config);
  const clusterDir = join(apiKeys.config.stateDir, 'cluster');
  const logDir = join(clusterDir, 'logs');
  const pidDir = join(clusterDir, 'pids');
  // Stopped in reverse order if a later step fails, and by stop().
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((err: Error) => log(`while stopping: ${err.message}`));
    stops.length = 0;
  };

  try {
    const tools = await ensureClusterTools(log);
    await removeLeftovers([apiKeys.config.dataDir, apiKeys.config.modelStoreDir], log);

    const postgres: RunningPostgres = await startPostgres({
      dir: join(clusterDir, 'postgres'),
      passwordFile: join(clusterDir, 'postgres-password'),
      port: ports.postgres,
      log,
    });
    stops.push(() => postgres.stop());
    log(`PostgreSQL on 127.0.0.1:${ports.postgres}${postgres.initialized ? ' (new cluster)' : ''}`);
    const schema = await ensureTemporalSchemas(tools.sql, postgres, log);
    log(
      `Schemas: ${Object.entries(schema.versions)
        .map(([db, version]) => `${db} v${version}`)
        .join(', ')}`,
    );

    const configPath = await writeServerConfig(join(clusterDir, 'temporal'), {
      ports,
      postgres,
      numHistoryShards: HISTORY_SHARDS,
    });
    log(`Starting Temporal's server (${options.layout === 'split' ? 'one process per service' : 'one process'}) ...`);
    const server = await startTemporalServer({
      binary: tools.server,
      configPath,
      layout: options.layout,
      frontendPort: ports.frontend,
      logDir,
      pidDir,
      log,
    });
    stops.push(() => server.stop());
    const namespaceCreated = await ensureNamespace(server.address, apiKeys.config.namespace);
    if (namespaceCreated) log(`Registered namespace "${apiKeys.config.namespace}"`);
    // Waits until the namespace serves, and registers the run index's search attributes.
    const connections = await connectTemporal(server.address, apiKeys.config.namespace, 120_000);
    stops.push(() => connections.close());

    let ui: RunningUiServer | undefined;
    if (options.ui !== false) {
      ui = await startUiServer({
        binary: tools.ui,
        configDir: join(clusterDir, 'ui'),
        temporalAddress: server.address,
        port: ports.ui,
        namespace: apiKeys.config.namespace,
        logDir,
        pidDir,
        log,
      });
      stops.push(() => ui!.stop());
    }
    const config: AppConfig = {
      ...apiKeys.config,
      temporalAddress: server.address,
      temporalUiUrl: ui?.url ?? options.config.temporalUiUrl,
    };

    // Bundled once here, so the worker processes (and every restart of one) start without webpack.
    const bundlePath = await writeWorkflowBundleInChild(join(clusterDir, 'workflow-bundle.js'));
    const workers = startWorkerProcesses({
      count: options.workers,
      env: workerEnvironment(config, server.address, bundlePath),
      log,
    });
    stops.push(() => workers.stop());
    await workers.ready(180_000);

    const api = await buildApp({ config, client: connections.client });
    stops.push(() => api.close());
    await api.listen({ host: config.apiHost, port: config.apiPort });
    const address = api.server.address();
    const apiPort = typeof address === 'object' && address ? address.port : config.apiPort;

    let stopping: Promise<void> | undefined;
    let markStopped: () => void = () => undefined;
    const stopped = new Promise<void>((resolveStopped) => (markStopped = resolveStopped));
    return {
      config,
      apiKeys: { ...apiKeys, config },
      apiKey: config.apiKeys[0],
      apiUrl: `http://${config.apiHost}:${apiPort}`,
      temporalAddress: server.address,
      temporalUiUrl: config.temporalUiUrl,
      report: {
        postgresInitialized: postgres.initialized,
        schema,
        namespaceCreated,
        toolsBuilt: tools.built,
      },
      connections,
      server,
      workers,
      api,
      stopped,
      stop() {
        stopping ??= stopAll().then(markStopped);
        return stopping;
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
