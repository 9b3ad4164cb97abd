/**
 * Temporal's server on the rendered config: all four services in one process, or (`split`) one process
 * per service as a production deployment scales them, the services finding each other through the
 * membership ring in PostgreSQL. Restartable on the same databases.
 */
import { startSupervisedProcess, stopOrphan, waitForPort, type SupervisedProcess } from './supervised-process.js';

export const TEMPORAL_SERVICES = ['history', 'matching', 'frontend', 'worker'] as const;

export type ServiceLayout = 'single' | 'split';

export interface TemporalServerOptions {
  binary: string;
  configPath: string;
  layout: ServiceLayout;
  frontendPort: number;
  logDir: string;
  pidDir: string;
  log: (line: string) => void;
}

export interface RunningTemporalServer {
  address: string;
  /** The server processes' pids (one, or one per service). */
  pids(): number[];
  /** Stops every service process and starts them again on the same databases. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** The processes a layout runs: their pid/log names and their `--service` flags. */
function processesOf(layout: ServiceLayout): { name: string; services: readonly string[] }[] {
  if (layout === 'single') return [{ name: 'temporal-server', services: TEMPORAL_SERVICES }];
  return TEMPORAL_SERVICES.map((service) => ({ name: `temporal-${service}`, services: [service] }));
}

/** Every process name any layout uses, so orphans of either layout are found. */
const ALL_PROCESS_NAMES = [...processesOf('single'), ...processesOf('split')].map((p) => p.name);

export async function startTemporalServer(options: TemporalServerOptions): Promise<RunningTemporalServer> {
  for (const name of ALL_PROCESS_NAMES) {
    if (await stopOrphan(options.pidDir, name, options.binary))
      options.log(`Stopped ${name}, left running by an earlier cluster command`);
  }

  let running: SupervisedProcess[] = [];
  const launch = async () => {
    running = await Promise.all(
      processesOf(options.layout).map(({ name, services }) =>
        startSupervisedProcess({
          name,
          command: options.binary,
          args: [
            '--config-file',
            options.configPath,
            // Loopback only, like the dev server; put an authorizer in the config before exposing it.
            '--allow-no-auth',
            'start',
            ...services.flatMap((service) => ['--service', service]),
          ],
          logDir: options.logDir,
          pidDir: options.pidDir,
        }),
      ),
    );
    const frontend = running.find((p) => p.name === 'temporal-server' || p.name === 'temporal-frontend')!;
    try {
      await waitForPort(frontend, options.frontendPort);
    } catch (err) {
      await stopAll();
      throw err;
    }
  };
  // The frontend first, so clients see the server go away before its history shards do.
  const stopAll = async () => {
    const order = [...running].sort(
      (a, b) => Number(b.name.endsWith('frontend')) - Number(a.name.endsWith('frontend')),
    );
    for (const child of order) await child.stop();
    running = [];
  };

  await launch();
  return {
    address: `127.0.0.1:${options.frontendPort}`,
    pids: () => running.map((p) => p.pid),
    async restart() {
      await stopAll();
      await launch();
    },
    stop: stopAll,
  };
}
