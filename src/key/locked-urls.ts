// The files a lockfile locks by URL, with their sha256: uv.lock (`sdist = { url, hash }`,
// `wheels = [{ url, hash }]`) and pylock.toml (PEP 751: `url` with `hashes = { sha256 }`, inline
// or as [packages.wheels] / [packages.sdist] tables). Under interception the daemon checks each
// such file against this hash (src/proxy/intercept/locked-hashes.ts): an install from a lockfile
// asks for the file without its project page. No TOML parser: the lockers write one key a line
// or one inline table a line, and a URL missed here is still verified by the page or its path.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** URL -> sha256 (hex, lowercase). */
export type LockedUrls = Record<string, string>;

const URL_KEY = /\burl\s*=\s*"(https?:\/\/[^"]+)"/;
const SHA256 = /\b(?:hash\s*=\s*"sha256:([0-9a-fA-F]{64})"|sha256\s*=\s*"([0-9a-fA-F]{64})")/;

function isUrlLockfile(file: string): boolean {
  const name = file.slice(file.lastIndexOf('/') + 1);
  return name === 'uv.lock' || /^pylock(\.[^/]+)?\.toml$/.test(name);
}

function sha256In(line: string): string | undefined {
  const match = SHA256.exec(line);
  return (match?.[1] ?? match?.[2])?.toLowerCase();
}

/** The URL/hash pairs of one lockfile's text. */
export function lockedUrlsIn(text: string): LockedUrls {
  const locked: LockedUrls = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const url = URL_KEY.exec(line)?.[1];
    if (!url) continue;
    // An inline table holds its hash on the same line; a table holds it on a later line of
    // its own, before the next table header or the next URL.
    let sha256 = sha256In(line.slice(line.indexOf(url) + url.length));
    for (let j = i + 1; !sha256 && j < lines.length; j++) {
      const next = lines[j] ?? '';
      if (/^\s*\[/.test(next) || URL_KEY.test(next)) break;
      sha256 = sha256In(next);
    }
    if (sha256) locked[url.split('#', 1)[0] ?? url] = sha256;
  }
  return locked;
}

export function readLockedUrls(workspace: string, files: string[]): LockedUrls {
  const locked: LockedUrls = {};
  for (const file of files.filter(isUrlLockfile)) {
    try {
      Object.assign(locked, lockedUrlsIn(readFileSync(join(workspace, file), 'utf8')));
    } catch {
      // unreadable: its files are verified by their page or path instead
    }
  }
  return locked;
}

/** Whether the dependency files include a lockfile that records URLs (uv.lock, pylock*.toml). */
export function hasUrlLockfile(files: string[]): boolean {
  return files.some(isUrlLockfile);
}
