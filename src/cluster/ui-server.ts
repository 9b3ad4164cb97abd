/**
 * The Temporal Web UI (ui-server, assets embedded) against the cluster's frontend, configured by a file
 * the cluster writes (`<dir>/cluster.yaml`, loaded as the UI server's environment "cluster").
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toYaml } from './server-config.js';
import { startSupervisedProcess, stopOrphan, waitForPort } from './supervised-process.js';

export interface UiServerOptions {
  binary: string;
  configDir: string;
  temporalAddress: string;
  port: number;
  namespace: string;
  logDir: string;
  pidDir: string;
  log: (line: string) => void;
}

export interface RunningUiServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const PROCESS_NAME = 'temporal-ui';

export async function startUiServer(options: UiServerOptions): Promise<RunningUiServer> {
  if (await stopOrphan(options.pidDir, PROCESS_NAME, options.binary))
    options.log(`Stopped ${PROCESS_NAME}, left running by an earlier cluster command`);
  await mkdir(options.configDir, { recursive: true });
  const config = {
    temporalGrpcAddress: options.temporalAddress,
    host: '127.0.0.1',
    port: options.port,
    enableUi: true,
    defaultNamespace: options.namespace,
    // Nothing outside the registries is reachable here; the UI must not try.
    disableNewsFetch: true,
    notifyOnNewVersion: false,
    distribution: 'server',
    refreshInterval: '0s',
    cors: { cookieInsecure: true, unsafeAllowAllOrigins: false, allowOrigins: [`http://127.0.0.1:${options.port}`] },
    auth: { enabled: false },
  };
  await writeFile(join(options.configDir, 'cluster.yaml'), `${toYaml(config)}\n`);
  const child = await startSupervisedProcess({
    name: PROCESS_NAME,
    command: options.binary,
    args: ['--root', options.configDir, '--config', '.', '--env', 'cluster', 'start'],
    logDir: options.logDir,
    pidDir: options.pidDir,
  });
  await waitForPort(child, options.port).catch(async (err: unknown) => {
    await child.stop();
    throw err;
  });
  return { url: `http://127.0.0.1:${options.port}`, pid: child.pid, stop: () => child.stop() };
}
