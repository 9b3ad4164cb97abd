/** The one rule for every file the API serves: it must be inside DATA_DIR, symlinks resolved. */
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** A catalogued path that resolves outside DATA_DIR (a result from another deployment, a symlink out): never served. */
export class ArtifactOutsideDataDirError extends Error {
  override name = 'ArtifactOutsideDataDirError';
}

function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * The file's real path if it exists inside the data dir; undefined if it does not exist. Both the lexical
 * path and the real one (after symlinks) must be inside the real data dir, so neither `..` in a result
 * nor a symlink planted in a run folder can make the API read a file the operator did not put there.
 */
export async function existingPathInsideDataDir(dataDir: string, path: string): Promise<string | undefined> {
  const root = resolve(dataDir);
  const full = resolve(root, path);
  if (!isAbsolute(path) || !isWithin(root, full)) {
    throw new ArtifactOutsideDataDirError('The artifact does not resolve inside DATA_DIR');
  }
  let real: string;
  try {
    real = await realpath(full);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  if (!isWithin(await realpath(root), real)) {
    throw new ArtifactOutsideDataDirError('The artifact resolves (through a link) outside DATA_DIR');
  }
  return real;
}
