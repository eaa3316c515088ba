import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';

// Operating-system conventions: names used in the cache key and the per-user cache folder.

export interface Platform {
  os: NodeJS.Platform;
  arch: string;
  env: NodeJS.ProcessEnv;
  home: string;
}

export function currentPlatform(): Platform {
  return { os: process.platform, arch: process.arch, env: process.env, home: homedir() };
}

/** The OS as the runner names it (RUNNER_OS), lower-cased for the key. */
export function osKeyName(os: NodeJS.Platform): string {
  if (os === 'win32') return 'windows';
  if (os === 'darwin') return 'macos';
  return os;
}

/**
 * The per-user cache folder: `$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches` on
 * macOS, `%LOCALAPPDATA%` on Windows (where pip and uv add a `Cache`/`cache` level of their own).
 */
export function userCacheDir(platform: Platform): string {
  const { os, env, home } = platform;
  const join = joinPath(os);
  if (os === 'win32') return env.LOCALAPPDATA || join(home, 'AppData', 'Local');
  if (os === 'darwin') return join(home, 'Library', 'Caches');
  return env.XDG_CACHE_HOME || join(home, '.cache');
}

/** `path.join` for the given OS, so Windows paths can be derived (and tested) anywhere. */
export function joinPath(os: NodeJS.Platform): (...parts: string[]) => string {
  return os === 'win32' ? win32.join : posix.join;
}
