import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The cache key: <prefix>-v1-<os>-<arch>-py<X.Y>-<installers>-<hash>[-<suffix>].
// `v1` is the layout version of what we save: bump it when the saved folders change meaning,
// so old entries stop matching instead of being restored into the wrong place.
export const CACHE_LAYOUT_VERSION = 'v1';

// The cache service's own limit on a key's length.
const MAX_KEY_LENGTH = 512;

export interface KeyParts {
  prefix: string;
  os: string;
  arch: string;
  pythonVersion: string;
  installers: string[];
  suffix: string;
}

export interface CacheKey {
  key: string;
  /** The key cut before the hash: any entry of the same setup, newest first. */
  restoreKey: string;
  hash: string;
}

/**
 * sha256 over the sorted relative paths and contents of the files; the empty set has a hash too.
 * `context` (the proxy's upstream URLs) goes in first: another index means another entry.
 */
export function hashDependencyFiles(workspace: string, files: string[], context: string[] = []): string {
  const hash = createHash('sha256');
  for (const line of context) hash.update(`${line}\0`);
  for (const file of [...files].sort()) {
    const content = readFileSync(join(workspace, file));
    // Length-prefixed so that no two different (path, content) lists hash alike.
    hash.update(`${file}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest('hex');
}

/** The key's parts add up to more than the cache service takes. */
export class KeyTooLongError extends Error {
  constructor(
    readonly length: number,
    readonly limit: number,
  ) {
    super(`the key would be ${length} characters; the limit is ${limit}.`);
    this.name = 'KeyTooLongError';
  }
}

export function deriveCacheKey(parts: KeyParts, hash: string): CacheKey {
  const python = parts.pythonVersion === 'none' ? 'pynone' : `py${parts.pythonVersion}`;
  const restoreKey = [
    parts.prefix,
    CACHE_LAYOUT_VERSION,
    parts.os,
    parts.arch,
    python,
    parts.installers.join('+'),
    '',
  ].join('-');
  const key = parts.suffix ? `${restoreKey}${hash}-${parts.suffix}` : `${restoreKey}${hash}`;
  if (key.length > MAX_KEY_LENGTH) {
    throw new KeyTooLongError(key.length, MAX_KEY_LENGTH);
  }
  return { key, restoreKey, hash };
}
