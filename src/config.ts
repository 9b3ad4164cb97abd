import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root: default home of data/, model_store/, .state/ and .tools/. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Everything the processes read from the environment, resolved once. */
export interface AppConfig {
  /** Folder that user datasets are resolved in; nothing outside it is ever read. */
  dataDir: string;
  /** Working area for pipeline runs (Parquet claim-check files), inside the data dir. */
  runsDir: string;
  modelStoreDir: string;
  /** Where the embedded dev server keeps its SQLite file. */
  stateDir: string;
  /** host:port of an existing Temporal frontend; undefined means "start the embedded dev server". */
  temporalAddress: string | undefined;
  namespace: string;
  taskQueue: string;
  apiHost: string;
  apiPort: number;
  devServerPort: number;
  devServerUiPort: number;
  /** Base URL of the Temporal Web UI, for links printed and returned by the API. */
  temporalUiUrl: string | undefined;
  scheduleTimeZone: string;
  /** Keys the API accepts (`Authorization: Bearer <key>`), from API_KEY or a comma-separated API_KEYS. */
  apiKeys: string[];
}

function resolveDir(value: string | undefined, fallback: string): string {
  const dir = value && value.length > 0 ? value : fallback;
  return isAbsolute(dir) ? dir : resolve(process.cwd(), dir);
}

function parsePort(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`${name} must be a port number, got "${value}"`);
  return port;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const dataDir = resolveDir(env.DATA_DIR, join(PROJECT_ROOT, 'data'));
  const devServerUiPort = parsePort('TEMPORAL_UI_PORT', env.TEMPORAL_UI_PORT, 8233);
  return {
    dataDir,
    runsDir: join(dataDir, 'runs'),
    modelStoreDir: resolveDir(env.MODEL_STORE_DIR, join(PROJECT_ROOT, 'model_store')),
    stateDir: resolveDir(env.STATE_DIR, join(PROJECT_ROOT, '.state')),
    temporalAddress: env.TEMPORAL_ADDRESS || undefined,
    namespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.TASK_QUEUE || 'ml-pipelines',
    apiHost: env.HOST || '127.0.0.1',
    apiPort: parsePort('PORT', env.PORT, 3000),
    devServerPort: parsePort('TEMPORAL_PORT', env.TEMPORAL_PORT, 7233),
    devServerUiPort,
    temporalUiUrl: env.TEMPORAL_UI_URL || (env.TEMPORAL_ADDRESS ? undefined : `http://127.0.0.1:${devServerUiPort}`),
    scheduleTimeZone: env.SCHEDULE_TIMEZONE || 'UTC',
    apiKeys: [env.API_KEY, ...(env.API_KEYS ?? '').split(',')]
      .map((key) => key?.trim() ?? '')
      .filter((key) => key.length > 0),
  };
}
