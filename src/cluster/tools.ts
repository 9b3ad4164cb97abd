/**
 * The cluster's Go programs, built from source at pinned versions with the machine's Go (no container, no
 * prebuilt download) into `.tools/`, once: a later start finds the binaries and builds nothing.
 */
import { execFile } from 'node:child_process';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TOOLS_DIR, isExecutable } from '../temporal/cli.js';

const execFileAsync = promisify(execFile);

/** Temporal's server and its schema tool come from one module version. */
export const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';
export const TEMPORAL_SERVER_VERSION = 'v1.32.0';
/** The Web UI server (assets embedded). v2.55.0 is the newest whose go.mod this machine's Go 1.26.8 meets. */
export const UI_SERVER_MODULE = 'github.com/temporalio/ui-server/v2';
export const UI_SERVER_VERSION = 'v2.55.0';

interface GoBuild {
  /** The folder under .tools/ that holds this build's binaries. */
  folder: string;
  module: string;
  version: string;
  /** Package paths inside the module; each `go install`s to a binary named after its last element. */
  packages: string[];
}

const SERVER_BUILD: GoBuild = {
  folder: `temporal-server-${TEMPORAL_SERVER_VERSION}`,
  module: TEMPORAL_SERVER_MODULE,
  version: TEMPORAL_SERVER_VERSION,
  packages: ['cmd/server', 'cmd/tools/sql'],
};

const UI_BUILD: GoBuild = {
  folder: `temporal-ui-server-${UI_SERVER_VERSION}`,
  module: UI_SERVER_MODULE,
  version: UI_SERVER_VERSION,
  packages: ['cmd/server'],
};

export interface ClusterTools {
  /** `temporal-server`: `start --config-file … --service …`. */
  server: string;
  /** `temporal-sql-tool`: create-database, setup-schema, update-schema. */
  sql: string;
  /** The Web UI server: `--root <config dir> --config . --env <name> start`. */
  ui: string;
  /** The folders this call built (empty: every binary was cached). */
  built: string[];
}

const binaryName = (pkg: string) => pkg.split('/').at(-1)!;

/**
 * The build's folder with every binary in it, building it when any is missing. `go install` writes into a
 * staging folder that is renamed into place whole, so a build killed half-way is never taken for a cache.
 */
async function ensureGoBuild(build: GoBuild, log: (line: string) => void): Promise<{ dir: string; built: boolean }> {
  const dir = join(TOOLS_DIR, build.folder);
  const binaries = build.packages.map((pkg) => join(dir, binaryName(pkg)));
  if ((await Promise.all(binaries.map(isExecutable))).every(Boolean)) return { dir, built: false };

  const staging = `${dir}.${process.pid}.tmp`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const targets = build.packages.map((pkg) => `${build.module}/${pkg}@${build.version}`);
  log(`Building ${targets.join(' and ')} with go install (a few minutes, once) ...`);
  const started = Date.now();
  try {
    // GOTOOLCHAIN=local: build with this machine's Go, never download another toolchain.
    await execFileAsync('go', ['install', ...targets], {
      env: { ...process.env, GOBIN: staging, GOTOOLCHAIN: 'local' },
      maxBuffer: 64 * 1024 * 1024,
    });
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`go install ${targets.join(' ')} failed${stderr ? `:\n${stderr}` : `: ${(err as Error).message}`}`);
  }
  log(`Built ${build.folder} in ${((Date.now() - started) / 1000).toFixed(0)} s (cached in .tools/${build.folder})`);
  return { dir, built: true };
}

/** Builds (once) and returns the Temporal server, its SQL schema tool and the Web UI server. */
export async function ensureClusterTools(log: (line: string) => void): Promise<ClusterTools> {
  const server = await ensureGoBuild(SERVER_BUILD, log);
  const ui = await ensureGoBuild(UI_BUILD, log);
  return {
    server: join(server.dir, 'server'),
    sql: join(server.dir, 'sql'),
    ui: join(ui.dir, 'server'),
    built: [server, ui].flatMap((b, i) => (b.built ? [[SERVER_BUILD, UI_BUILD][i].folder] : [])),
  };
}
