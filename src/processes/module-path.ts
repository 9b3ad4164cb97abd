/**
 * Paths of modules the product starts by file (worker processes, the workflow bundle, child scripts). The same
 * code runs as TypeScript through tsx (tests, `tsx scripts/...`) and as the JavaScript build in dist/ that
 * `npm start` runs (scripts/build.ts), so a sibling's extension is the caller's own.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The file path of the module `relative` (written without extension, e.g. `'../worker'`) beside the module
 * whose `import.meta.url` is `fromUrl`, with that module's extension (`.ts` from src/, `.js` from dist/).
 */
export function siblingModulePath(fromUrl: string, relative: string): string {
  const from = fileURLToPath(fromUrl);
  return fileURLToPath(new URL(`${relative}${extname(from)}`, fromUrl));
}
