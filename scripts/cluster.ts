import { parseArgs } from 'node:util';
import { apiKeyBanner } from '../src/api/api-keys.js';
import { startCluster } from '../src/cluster/cluster.js';
import { defaultClusterPorts } from '../src/cluster/server-config.js';
import type { ServiceLayout } from '../src/cluster/temporal-server.js';
import { loadConfig } from '../src/config.js';
import { runDemo } from '../src/demo.js';
import { ensureLoanSchedules } from '../src/pipelines/loan/schedules.js';
import { writeSampleData } from '../src/sample-data/index.js';

const USAGE = `Usage: npm run cluster [-- --workers N] [-- --services single|split] [-- --no-ui] [-- --demo]
  Temporal's real server on PostgreSQL, without containers: builds the server, its schema tool and the Web UI
  server from source once (into .tools/), creates a PostgreSQL cluster in STATE_DIR/cluster (initdb once),
  sets up or updates the Temporal schemas, starts the server (one process, or one per service with
  --services split), the Web UI, the API and N worker processes (default 2), and serves until Ctrl-C, which
  stops everything, PostgreSQL included. A second run starts on the same state.
  Ports: TEMPORAL_PORT (7233), TEMPORAL_UI_PORT (8233), PORT (3000), CLUSTER_POSTGRES_PORT (5433).`;

interface ClusterCli {
  workers: number;
  layout: ServiceLayout;
  ui: boolean;
  demo: boolean;
  help: boolean;
}

function parseCli(argv: string[]): ClusterCli {
  const { values } = parseArgs({
    args: argv,
    options: {
      workers: { type: 'string', default: '2' },
      services: { type: 'string', default: 'single' },
      'no-ui': { type: 'boolean', default: false },
      demo: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1)
    throw new Error(`--workers must be a whole number ≥ 1, got "${values.workers}"`);
  const layout = values.services;
  if (layout !== 'single' && layout !== 'split')
    throw new Error(`--services must be "single" or "split", got "${layout}"`);
  return {
    workers,
    layout,
    ui: !values['no-ui'],
    demo: values.demo,
    help: values.help,
  };
}

function parsePort(name: string, fallback: number): number {
  const value = process.env[name];
  if (!value) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    throw new Error(`${name} must be a port number, got "${value}"`);
  return port;
}

async function run(): Promise<void> {
  const cli = parseCli(process.argv.slice(2));
  if (cli.help) {
    console.log(USAGE);
    return;
  }
  if (process.env.TEMPORAL_ADDRESS)
    throw new Error(
      'npm run cluster starts its own Temporal server: unset TEMPORAL_ADDRESS (or use npm run api/worker)',
    );
  const log = (line: string) => console.log(line);
  const config = loadConfig();
  const samples = await writeSampleData(config.dataDir);
  const generated = Object.values(samples).reduce((sum, report) => sum + report.written.length, 0);
  if (generated > 0) log(`Generated ${generated} sample data files in ${config.dataDir}`);

  const ports = defaultClusterPorts(
    config.devServerPort,
    config.devServerUiPort,
    parsePort('CLUSTER_POSTGRES_PORT', 5433),
  );
  const started = Date.now();
  const cluster = await startCluster({ config, ports, workers: cli.workers, layout: cli.layout, ui: cli.ui, log });
  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    log(`\n${reason}: stopping the API, the workers, the Web UI, the Temporal server and PostgreSQL ...`);
    await cluster.stop();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stop(signal).then(() => process.exit(0)));
  }

  log(`\nCluster up in ${((Date.now() - started) / 1000).toFixed(0)} s (state in ${config.stateDir}/cluster)`);
  log(
    `Temporal: ${cluster.temporalAddress} (namespace ${config.namespace}, task queue ${config.taskQueue}; PostgreSQL 127.0.0.1:${ports.postgres})`,
  );
  if (cluster.temporalUiUrl) log(`Temporal Web UI: ${cluster.temporalUiUrl}`);
  log(`API: ${cluster.apiUrl}   API docs (OpenAPI): ${cluster.apiUrl}/docs`);
  apiKeyBanner(cluster.apiUrl, cluster.apiKeys).forEach((line) => log(line));
  log(
    `Workers: ${cli.workers} processes (pids ${cluster.workers.pids().join(', ')}); server pids ${cluster.server.pids().join(', ')}`,
  );

  const schedules = await ensureLoanSchedules(cluster.connections.client, cluster.config);
  log(
    `Schedules (daily, ${config.scheduleTimeZone}): created [${schedules.created.join(', ')}] updated [${schedules.updated.join(', ')}]`,
  );
  if (cli.demo) {
    log('\nRunning the demo pipelines as Temporal workflows ...');
    await runDemo({ url: cluster.apiUrl, key: cluster.apiKey }, log);
  }
  log('\nServing (Ctrl-C to stop)');
  await cluster.stopped;
}

run().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
