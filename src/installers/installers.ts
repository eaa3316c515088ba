import { rm } from 'node:fs/promises';
import { findOnPath, runCommand } from '../system/command.js';
import { joinPath, type Platform, userCacheDir } from '../system/platform.js';
import { pipConfigMayApply } from './pip-config.js';

// pip and uv as data: how each is detected, where its cache lives, and how it is pruned.

export type InstallerName = 'pip' | 'uv';
/** What the `installer` input asks for: one installer, or each one found on PATH. */
export type InstallerChoice = 'auto' | InstallerName;

export interface Installer {
  name: InstallerName;
  /** The variable the installer reads its cache folder from; exported for later steps. */
  cacheDirVariable: string;
  /** Whether a dependency file (workspace-relative) says the project uses this installer. */
  claimsFile: (path: string) => boolean;
  /** The installer's executables, in order of preference. */
  executables: string[];
  /** Arguments that make it print its cache folder: honours its config files too. */
  cacheDirArgs: string[];
  defaultCacheDir: (platform: Platform) => string;
  /** True when nothing can have moved the folder from the default: the installer is not asked. */
  surelyDefaultCacheDir?: (platform: Platform, executable: string) => boolean;
  /** Drops what can be fetched again cheaply; keeps what was built locally. */
  prune: (cacheDir: string, env: NodeJS.ProcessEnv) => Promise<string>;
}

const fileName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

export const PIP: Installer = {
  name: 'pip',
  cacheDirVariable: 'PIP_CACHE_DIR',
  claimsFile: (path) =>
    /^(requirements.*|constraints.*)\.txt$/.test(fileName(path)) || path.includes('requirements/'),
  executables: ['pip', 'pip3'],
  cacheDirArgs: ['cache', 'dir'],
  defaultCacheDir: (platform) =>
    platform.os === 'win32'
      ? joinPath(platform.os)(userCacheDir(platform), 'pip', 'Cache')
      : joinPath(platform.os)(userCacheDir(platform), 'pip'),
  surelyDefaultCacheDir: (platform, executable) => !pipConfigMayApply(platform, executable),
  // pip's cache: http/ and http-v2/ hold downloaded files (refetchable), wheels/ holds wheels
  // pip built from sdists (expensive to redo). See pip's src/pip/_internal/cache.py.
  prune: async (cacheDir) => {
    const join = joinPath(process.platform);
    await Promise.all(
      ['http', 'http-v2'].map((part) => rm(join(cacheDir, part), { recursive: true, force: true })),
    );
    return 'removed the downloaded files (http, http-v2), kept locally built wheels';
  },
};

export const UV: Installer = {
  name: 'uv',
  cacheDirVariable: 'UV_CACHE_DIR',
  claimsFile: (path) => fileName(path) === 'uv.lock',
  executables: ['uv'],
  cacheDirArgs: ['cache', 'dir'],
  // uv uses XDG folders on macOS too: https://docs.astral.sh/uv/concepts/cache/#cache-directory
  defaultCacheDir: (platform) => {
    const join = joinPath(platform.os);
    if (platform.os === 'win32') return join(userCacheDir(platform), 'uv', 'cache');
    return join(platform.env.XDG_CACHE_HOME || join(platform.home, '.cache'), 'uv');
  },
  // `uv cache prune --ci` keeps wheels built from source and drops downloaded ones:
  // https://docs.astral.sh/uv/concepts/cache/#caching-in-continuous-integration
  prune: async (cacheDir, env) => {
    const uv = findExecutable(UV, env);
    if (!uv) return 'skipped: uv is not on PATH';
    const result = await runCommand(uv, ['cache', 'prune', '--ci'], {
      env: { ...env, UV_CACHE_DIR: cacheDir },
    });
    if (result.code !== 0) throw new Error(`uv cache prune --ci failed: ${result.stderr.trim()}`);
    return 'ran uv cache prune --ci';
  },
};

export const INSTALLERS: Installer[] = [PIP, UV];

/** Which installers to manage: the input's choice, or for `auto` what the project and PATH suggest. */
export function selectInstallers(
  choice: InstallerChoice,
  dependencyFiles: string[],
  env: NodeJS.ProcessEnv,
): Installer[] {
  if (choice === 'pip') return [PIP];
  if (choice === 'uv') return [UV];
  const selected = INSTALLERS.filter(
    (installer) => dependencyFiles.some(installer.claimsFile) || findExecutable(installer, env) !== undefined,
  );
  // Nothing to go on: pip is the installer every Python has.
  return selected.length > 0 ? selected : [PIP];
}

/** The installer's cache folder: its variable if set, else what the installer says, else the OS default. */
export async function resolveCacheDir(installer: Installer, platform: Platform): Promise<string> {
  const fromEnv = platform.env[installer.cacheDirVariable]?.trim();
  if (fromEnv) return fromEnv;
  const executable = findExecutable(installer, platform.env);
  if (executable && !installer.surelyDefaultCacheDir?.(platform, executable)) {
    const result = await runCommand(executable, installer.cacheDirArgs, {
      env: platform.env,
      timeoutMs: 30_000,
    });
    const reported = result.stdout.trim().split(/\r?\n/).pop()?.trim();
    if (result.code === 0 && reported) return reported;
  }
  return installer.defaultCacheDir(platform);
}

export function findExecutable(installer: Installer, env: NodeJS.ProcessEnv): string | undefined {
  for (const name of installer.executables) {
    const found = findOnPath(name, env);
    if (found) return found;
  }
  return undefined;
}
