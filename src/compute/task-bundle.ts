/**
 * A compute task's module as one plain ES module file, built with esbuild the first time the pool needs it.
 * The threads then load JavaScript, never TypeScript through the process's loader, which in a thread (a) takes
 * seconds per fresh thread and (b) yields CommonJS whose imported bindings are property getters: measured, the
 * boosting fit spent over a third of its time in those getters and ran 1.5-2x slower than the same code here.
 */
import { buildSync } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

let bundleDir: string | undefined;
const bundles = new Map<string, string>();

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

/**
 * The path of the bundle of `moduleUrl` (everything it imports inlined but Node's built-ins).
 * Built once per process; a few tens of milliseconds, synchronously.
 */
export function taskBundlePath(moduleUrl: string): string {
  const known = bundles.get(moduleUrl);
  if (known !== undefined) return known;
  const outfile = join(ownDir(), `task-${bundles.size}.mjs`);
  const result = buildSync({
    entryPoints: [fileURLToPath(moduleUrl)],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    // Stack traces and progress name the original functions.
    keepNames: true,
    write: false,
    logLevel: 'silent',
  });
  writeFileSync(outfile, result.outputFiles[0].contents);
  bundles.set(moduleUrl, outfile);
  return outfile;
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
