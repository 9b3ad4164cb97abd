/**
 * A compute task's module as one plain ES module file, built with esbuild the first time the pool needs it.
 * The threads then load JavaScript, never TypeScript through the process's loader, which in a thread (a) takes
 * seconds per fresh thread and (b) yields CommonJS whose imported bindings are property getters: measured, the
 * boosting fit spent over a third of its time in those getters and ran 1.5-2x slower than the same code here.
 */
import { build, buildSync, stop, type BuildOptions } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

let bundleDir: string | undefined;
const bundles = new Map<string, string>();
/** Names bundle files: never reused, so a build that overlaps another cannot take its file. */
let bundleCount = 0;

function ownDir(): string {
  if (bundleDir === undefined) {
    // Named by pid: a process killed before its exit handler ran leaves it, and the next start removes it
    // (removeOrphanedScratchFolders in processes/leftovers.ts).
    bundleDir = mkdtempSync(join(tmpdir(), `compute-tasks-${process.pid}-`));
    const dir = bundleDir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return bundleDir;
}

function bundleOptions(moduleUrl: string): BuildOptions & { write: false } {
  return {
    entryPoints: [fileURLToPath(moduleUrl)],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    // Stack traces and progress name the original functions.
    keepNames: true,
    write: false,
    logLevel: 'silent',
  };
}

function nextBundleFile(): string {
  return join(ownDir(), `task-${bundleCount++}.mjs`);
}

/**
 * The path of the bundle of `moduleUrl` (everything it imports inlined but Node's built-ins).
 * Built once per process; a few tens of milliseconds, synchronously (buildTaskBundles builds ahead).
 */
export function taskBundlePath(moduleUrl: string): string {
  const known = bundles.get(moduleUrl);
  if (known !== undefined) return known;
  const outfile = nextBundleFile();
  writeFileSync(outfile, buildSync(bundleOptions(moduleUrl)).outputFiles[0].contents);
  bundles.set(moduleUrl, outfile);
  return outfile;
}

/**
 * Builds the bundles of `moduleUrls` ahead of use, then stops esbuild's service. Its process stays up after a
 * build, and a worker builds its bundles once, at start: left running it held 63 MB for the worker's life.
 * (Stopping it is why these are built with the asynchronous API: the synchronous one runs the service from a
 * thread of its own, and stopping that left the process unreaped.) A bundle needed later starts it again.
 */
export async function buildTaskBundles(moduleUrls: readonly string[]): Promise<void> {
  for (const moduleUrl of new Set(moduleUrls)) {
    if (bundles.has(moduleUrl)) continue;
    const outfile = nextBundleFile();
    const result = await build(bundleOptions(moduleUrl));
    await writeFile(outfile, result.outputFiles[0].contents);
    if (!bundles.has(moduleUrl)) bundles.set(moduleUrl, outfile);
  }
  await stop();
}

/** The bundle as a file:// URL (for `import()`). */
export function taskBundleUrl(moduleUrl: string): string {
  return pathToFileURL(taskBundlePath(moduleUrl)).href;
}

/** Removes the bundles (the pool rebuilds them if used again). */
export function removeTaskBundles(): void {
  if (bundleDir !== undefined) rmSync(bundleDir, { recursive: true, force: true });
  bundleDir = undefined;
  bundles.clear();
}
