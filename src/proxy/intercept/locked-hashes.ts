// The sha256 of each file a lockfile locks by URL (uv.lock's `wheels`/`sdist`, pylock.toml's
// `url` + `hashes`), handed from the action to the daemon in a JSON file: an install from a
// lockfile asks for a file without asking for its project page first, and this is the hash the
// daemon checks it against before storing it.
import { readFile } from 'node:fs/promises';
import { isSha256Hex } from '../names.js';

export type LockedHashes = ReadonlyMap<string, string>;

/** The key of a file URL: scheme, host and path, no query, fragment or credentials. */
export function lockedUrlKey(url: string | URL): string | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
    return `${parsed.protocol}//${parsed.host.toLowerCase()}${parsed.pathname}`;
  } catch {
    return undefined;
  }
}

/** `{"files": {"<url>": "<sha256 hex>"}}`; entries that are not a URL and a sha256 are skipped. */
export function parseLockedHashes(text: string, origin: string): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error: unknown) {
    throw new Error(`${origin}: not JSON (${(error as Error).message})`);
  }
  const files = (parsed as { files?: unknown } | null)?.files;
  if (typeof files !== 'object' || files === null || Array.isArray(files)) {
    throw new Error(`${origin}: expected {"files": {"<url>": "<sha256>"}}`);
  }
  const hashes = new Map<string, string>();
  for (const [url, sha256] of Object.entries(files)) {
    const key = lockedUrlKey(url);
    if (key && typeof sha256 === 'string' && isSha256Hex(sha256.toLowerCase()))
      hashes.set(key, sha256.toLowerCase());
  }
  return hashes;
}

export async function readLockedHashesFile(path: string): Promise<Map<string, string>> {
  return parseLockedHashes(await readFile(path, 'utf8'), `--locked-hashes ${path}`);
}
