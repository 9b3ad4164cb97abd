/**
 * Fails when package-lock.json lacks a supported platform's native package. npm records only the
 * platforms of the machine that wrote the lock when it is updated over an existing node_modules; then
 * `npm ci` refuses the lock elsewhere and a Mac or a Docker build gets no DuckDB binding.
 *
 * Usage: tsx scripts/ci/check-lock-platforms.ts [path/to/package-lock.json]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

interface LockEntry {
  version?: string;
  integrity?: string;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  optionalDependencies?: Record<string, string>;
}

interface Lockfile {
  lockfileVersion?: number;
  packages?: Record<string, LockEntry>;
}

interface Platform {
  os: string;
  cpu: string;
  /** Linux builds come per C library; the Debian image and the usual desktops use glibc. */
  libc?: string;
}

export const SUPPORTED_PLATFORMS: readonly Platform[] = [
  { os: 'linux', cpu: 'x64', libc: 'glibc' },
  { os: 'linux', cpu: 'arm64', libc: 'glibc' },
  { os: 'darwin', cpu: 'x64' },
  { os: 'darwin', cpu: 'arm64' },
  { os: 'win32', cpu: 'x64' },
];

/** Packages that pick a prebuilt binary from per-platform optional dependencies. */
export const NATIVE_PACKAGES = ['@duckdb/node-bindings', '@swc/core', 'esbuild', '@resvg/resvg-js'] as const;

function platformName(platform: Platform): string {
  return `${platform.os}-${platform.cpu}${platform.libc ? ` (${platform.libc})` : ''}`;
}

function matches(entry: LockEntry, platform: Platform): boolean {
  if (!entry.os?.includes(platform.os) || !entry.cpu?.includes(platform.cpu)) return false;
  return !platform.libc || !entry.libc || entry.libc.includes(platform.libc);
}

/** Where npm would resolve `name` required from the package installed at `parentPath`. */
function resolveEntry(
  packages: Record<string, LockEntry>,
  parentPath: string,
  name: string,
): [string, LockEntry] | undefined {
  let base = parentPath;
  for (;;) {
    const path = `${base ? `${base}/` : ''}node_modules/${name}`;
    const entry = packages[path];
    if (entry) return [path, entry];
    if (!base) return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

/** Every problem found, one readable line each; empty when the lock serves every supported platform. */
export function lockPlatformProblems(lock: Lockfile): string[] {
  const packages = lock.packages;
  if (!packages || (lock.lockfileVersion ?? 0) < 2) return ['not a lockfileVersion 2+ lock (no "packages" map)'];
  const problems: string[] = [];
  for (const parentName of NATIVE_PACKAGES) {
    const parents = Object.entries(packages).filter(([path]) => path.endsWith(`node_modules/${parentName}`));
    if (parents.length === 0) {
      problems.push(`${parentName}: not in the lock (if the project no longer uses it, drop it from NATIVE_PACKAGES)`);
      continue;
    }
    for (const [parentPath, parent] of parents) {
      const candidates: LockEntry[] = [];
      for (const [name, wanted] of Object.entries(parent.optionalDependencies ?? {})) {
        const found = resolveEntry(packages, parentPath, name);
        if (!found) continue;
        const [path, entry] = found;
        if (entry.version !== wanted && !wanted.startsWith('^') && !wanted.startsWith('~'))
          problems.push(`${path}: version ${entry.version ?? '?'}, but ${parentName} wants ${wanted}`);
        if (!entry.integrity) problems.push(`${path}: no integrity hash (npm ci cannot verify it)`);
        candidates.push(entry);
      }
      for (const platform of SUPPORTED_PLATFORMS) {
        if (!candidates.some((entry) => matches(entry, platform)))
          problems.push(`${parentPath}@${parent.version ?? '?'}: no package for ${platformName(platform)}`);
      }
    }
  }
  return problems;
}

function main(): void {
  const lockPath = resolve(process.argv[2] ?? 'package-lock.json');
  const lock = JSON.parse(readFileSync(lockPath, 'utf8')) as Lockfile;
  const problems = lockPlatformProblems(lock);
  if (problems.length > 0) {
    console.error(`${lockPath} is missing native packages for supported platforms:`);
    for (const problem of problems) console.error(`  - ${problem}`);
    console.error('Regenerate it without node_modules and without the old lock: see scripts/ci/regenerate-lock.sh.');
    process.exit(1);
  }
  const platforms = SUPPORTED_PLATFORMS.map(platformName).join(', ');
  console.log(`Lock serves ${platforms} for ${NATIVE_PACKAGES.join(', ')}.`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) main();
