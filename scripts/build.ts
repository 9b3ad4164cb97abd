/**
 * Builds dist/: every module of src/ as plain JavaScript, file for file (esbuild transpiles, no bundling, so
 * dist/ mirrors src/ and the packages stay imports of node_modules). `npm start`, `npm run worker` and
 * `npm run api` run it, and so does the image; tests and scripts run src/ through tsx.
 *
 * Why not tsx at run time: its loader keeps a thread with a JavaScript engine of its own and an esbuild
 * process beside every Node process for its whole life. Measured on an idle `npm start` stack (the API and one
 * worker process): 574 MB resident through tsx, 486 MB from dist/ (README, "Memory").
 *
 *   tsx scripts/build.ts     (about a second; runs before every start, so dist/ is never stale)
 */
import { build } from 'esbuild';
import { readdir, rename, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = fileURLToPath(new URL('../', import.meta.url));
/** At the repo's top level, as src/ is: modules find node_modules and the project root (src/config.ts) alike. */
export const DIST_DIR = join(REPO, 'dist');
const SRC_DIR = join(REPO, 'src');

async function typeScriptModules(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/**
 * Transpiles src/ into a fresh folder, then puts it in dist/'s place, so a process starting meanwhile finds
 * either the old tree or the new one, never half of one (and modules deleted from src/ do not linger).
 * Returns the number of modules built.
 */
export async function buildDist(): Promise<number> {
  const staging = `${DIST_DIR}.build-${process.pid}`;
  const previous = `${DIST_DIR}.old-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  const modules = await typeScriptModules(SRC_DIR);
  await build({
    entryPoints: modules,
    outbase: SRC_DIR,
    outdir: staging,
    format: 'esm',
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    logLevel: 'warning',
  });
  await rename(DIST_DIR, previous).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  await rename(staging, DIST_DIR);
  await rm(previous, { recursive: true, force: true });
  return modules.length;
}

async function main(): Promise<void> {
  const started = performance.now();
  const count = await buildDist();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`Built ${count} modules into ${relative(process.cwd(), DIST_DIR) || DIST_DIR}/ in ${seconds} s`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
