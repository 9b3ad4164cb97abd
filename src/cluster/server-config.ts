/**
 * The Temporal server's config file, in the shape of the module's `config/development-postgres12.yaml`:
 * PostgreSQL persistence and visibility, the four services on loopback with the cluster's ports, no
 * archival, pprof or metrics listeners (fewer ports to clash), and a dynamic config file beside it.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Every port the cluster listens on. */
export interface ClusterPorts {
  postgres: number;
  /** The frontend's gRPC port: the address clients and workers use. */
  frontend: number;
  frontendHttp: number;
  history: number;
  matching: number;
  worker: number;
  frontendMembership: number;
  historyMembership: number;
  matchingMembership: number;
  workerMembership: number;
  ui: number;
}

/** The template's ports, with the frontend and UI where `npm start`'s dev server has them. */
export function defaultClusterPorts(frontend = 7233, ui = 8233, postgres = 5433): ClusterPorts {
  return {
    postgres,
    frontend,
    frontendHttp: 7243,
    history: 7234,
    matching: 7235,
    worker: 7239,
    frontendMembership: 6933,
    historyMembership: 6934,
    matchingMembership: 6935,
    workerMembership: 6939,
    ui,
  };
}

export interface ServerConfigInput {
  ports: ClusterPorts;
  postgres: { host: string; user: string; password: string };
  /** History shards are fixed when the databases are first used: never change this for an existing cluster. */
  numHistoryShards: number;
}

type Yaml = string | number | boolean | Yaml[] | { [key: string]: Yaml };

const isEmpty = (value: Yaml) => typeof value === 'object' && Object.keys(value).length === 0;

/** A small YAML writer for the config's plain maps, lists and scalars (strings always quoted). */
export function toYaml(value: Yaml, indent = ''): string {
  if (isEmpty(value)) return Array.isArray(value) ? '[]' : '{}';
  if (Array.isArray(value)) {
    return value
      .map((item) =>
        typeof item === 'object' && !isEmpty(item)
          ? `${indent}-\n${toYaml(item, `${indent}  `)}`
          : `${indent}- ${toYaml(item)}`,
      )
      .join('\n');
  }
  if (typeof value === 'object') {
    return Object.entries(value)
      .map(([key, item]) =>
        typeof item === 'object' && !isEmpty(item)
          ? `${indent}${key}:\n${toYaml(item, `${indent}  `)}`
          : `${indent}${key}: ${toYaml(item)}`,
      )
      .join('\n');
  }
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function datastore(database: string, input: ServerConfigInput, maxConns: number) {
  return {
    sql: {
      pluginName: 'postgres12',
      databaseName: database,
      connectAddr: `${input.postgres.host}:${input.ports.postgres}`,
      connectProtocol: 'tcp',
      user: input.postgres.user,
      password: input.postgres.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  };
}

const service = (grpcPort: number, membershipPort: number) => ({
  rpc: { grpcPort, membershipPort, bindOnLocalHost: true },
});

/** Temporal stores membership ports in a PostgreSQL smallint column: above this, the service dies at start. */
export const MAX_MEMBERSHIP_PORT = 32767;

export function serverConfig(input: ServerConfigInput, dynamicConfigPath: string): Yaml {
  const { ports } = input;
  const membership = [
    ports.frontendMembership,
    ports.historyMembership,
    ports.matchingMembership,
    ports.workerMembership,
  ];
  if (membership.some((port) => port > MAX_MEMBERSHIP_PORT))
    throw new Error(
      `Temporal's membership ports must be at most ${MAX_MEMBERSHIP_PORT} (a smallint column), got ${membership.join(', ')}`,
    );
  return {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: input.numHistoryShards,
      datastores: {
        'postgres-default': datastore('temporal', input, 20),
        'postgres-visibility': datastore('temporal_visibility', input, 10),
      },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: {
      frontend: { rpc: { ...service(ports.frontend, ports.frontendMembership).rpc, httpPort: ports.frontendHttp } },
      history: service(ports.history, ports.historyMembership),
      matching: service(ports.matching, ports.matchingMembership),
      worker: service(ports.worker, ports.workerMembership),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `127.0.0.1:${ports.frontend}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
    dynamicConfigClient: { filepath: dynamicConfigPath, pollInterval: '10s' },
  };
}

/** Dynamic config: the template's ID length limit, and search attributes usable as soon as they are added. */
export function dynamicConfig(): Yaml {
  return {
    'limit.maxIDLength': [{ value: 255, constraints: {} }],
    // The frontend caches the search attribute list for a minute; a run started right after the app
    // registers its attributes would be refused without a fresh read (the dev server sets this too).
    'system.forceSearchAttributesCacheRefreshOnRead': [{ value: true, constraints: {} }],
  };
}

async function writeAtomically(path: string, text: string, mode: number): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, text, { mode });
  await rename(temp, path);
}

/** Writes config.yaml (mode 0600: it holds the database password) and dynamic-config.yaml; returns the first. */
export async function writeServerConfig(dir: string, input: ServerConfigInput): Promise<string> {
  await mkdir(dir, { recursive: true });
  const configPath = join(dir, 'config.yaml');
  const dynamicPath = join(dir, 'dynamic-config.yaml');
  await writeAtomically(dynamicPath, `${toYaml(dynamicConfig())}\n`, 0o644);
  await writeAtomically(configPath, `${toYaml(serverConfig(input, dynamicPath))}\n`, 0o600);
  return configPath;
}
