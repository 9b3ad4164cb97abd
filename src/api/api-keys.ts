/** API keys: matching a presented key in constant time, naming it safely, and the generated key file. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppConfig } from '../config.js';

/** The file in STATE_DIR that holds the key generated when none is configured. */
export const API_KEY_FILE_NAME = 'api-key';

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** A key's public name for logs and audit: a short sha256 fingerprint, never the secret itself. */
export function apiKeyFingerprint(key: string): string {
  return `sha256:${sha256(key).toString('hex').slice(0, 12)}`;
}

/**
 * Returns `match(presented)`: the fingerprint of the configured key it equals, or undefined. Both sides are
 * hashed to 32 bytes first, so `timingSafeEqual` compares equal lengths whatever the input, and every key is
 * compared (no early exit), so the time taken says nothing about which key or how much of it matched.
 */
export function apiKeyMatcher(keys: readonly string[]): (presented: string) => string | undefined {
  const known = keys.map((key) => ({ digest: sha256(key), id: apiKeyFingerprint(key) }));
  return (presented) => {
    const digest = sha256(presented);
    let matched: string | undefined;
    for (const key of known) {
      if (timingSafeEqual(digest, key.digest)) matched ??= key.id;
    }
    return matched;
  };
}

export interface ApiKeyFile {
  key: string;
  path: string;
  /** True when this call generated the key; false when it read the one an earlier start wrote. */
  created: boolean;
}

/**
 * The key in `<stateDir>/api-key`, generated on first use (32 random bytes, base64url, file mode 0600) and
 * read back on every later start, so a restarted stack keeps accepting the key its operator already has.
 * The new file is written aside and hard-linked into place, which fails if it exists: two processes
 * starting at once end up with the same key, and a reader never sees a half-written file.
 */
export async function ensureApiKeyFile(stateDir: string): Promise<ApiKeyFile> {
  const path = join(stateDir, API_KEY_FILE_NAME);
  const existing = await readKeyFile(path);
  if (existing) return { key: existing, path, created: false };

  await mkdir(stateDir, { recursive: true });
  const key = randomBytes(32).toString('base64url');
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, `${key}\n`, { mode: 0o600 });
  await chmod(temp, 0o600); // the mode above is filtered by the umask; this makes it exact
  try {
    await link(temp, path);
    return { key, path, created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const winner = await readKeyFile(path);
    if (!winner) throw new Error(`${path} exists but holds no API key: delete it to generate a new one`);
    return { key: winner, path, created: false };
  } finally {
    await rm(temp, { force: true });
  }
}

async function readKeyFile(path: string): Promise<string | undefined> {
  try {
    const key = (await readFile(path, 'utf8')).trim();
    return key.length > 0 ? key : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export interface ResolvedApiKeys {
  /** The config with at least one API key. */
  config: AppConfig;
  /** Set when no key was configured and the state dir's key file supplied one. */
  generated?: ApiKeyFile;
}

/** Secure by default, zero setup: the configured keys, or else the state dir's generated key. */
export async function resolveApiKeys(config: AppConfig): Promise<ResolvedApiKeys> {
  if (config.apiKeys.length > 0) return { config };
  const generated = await ensureApiKeyFile(config.stateDir);
  return { config: { ...config, apiKeys: [generated.key] }, generated };
}

/** What `npm start` and `npm run api` print about the key: the generated key itself, or how to use yours. */
export function apiKeyBanner(apiUrl: string, { config, generated }: ResolvedApiKeys): string[] {
  if (generated) {
    return [
      `API key: ${generated.key}`,
      `  ${generated.created ? 'generated into' : 'read from'} ${generated.path} (mode 0600; reused on the next start; set API_KEY to use your own)`,
      `  Try: curl -H "Authorization: Bearer ${generated.key}" ${apiUrl}/models`,
    ];
  }
  const count = config.apiKeys.length;
  return [
    `API keys: ${count} from API_KEY / API_KEYS (${config.apiKeys.map(apiKeyFingerprint).join(', ')})`,
    `  Try: curl -H "Authorization: Bearer $API_KEY" ${apiUrl}/models`,
  ];
}
