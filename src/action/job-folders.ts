import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import type { Installer } from '../installers/installers.js';
import { joinPath, type Platform } from '../system/platform.js';
import { ensurePrivateFolder, perUserName, resolvedPath } from '../system/private-folder.js';
import type { CachedFolder } from './state.js';

// Which folders the job caches, and which of them it owns. The action empties, prunes and
// restores only folders it owns: job-owned folders under RUNNER_TEMP (the runner empties it per
// job, and setup-uv keeps its cache there too). Never the user's ~/.cache/pip nor the CLI's
// ~/.cache/pypi-cache-proxy: on a developer's machine or a self-hosted runner those hold work
// the job did not make (issue 9, case 7). A folder the job's env names (PIP_CACHE_DIR,
// UV_CACHE_DIR) is the user's choice: it is cached, never emptied or pruned.

/** RUNNER_TEMP's, else (outside Actions) this job's folder in this user's folder in the system's temp dir. */
export function jobFolderRoot(platform: Platform): string {
  return jobTempFolder(platform.env, 'pypi-cache-action', platform.os);
}

/**
 * A folder of the job's own: under RUNNER_TEMP (the runner's, emptied per job), else in this
 * job's folder of this user's folder in the system's temp dir (sharedJobFolder).
 */
export function jobTempFolder(env: NodeJS.ProcessEnv, name: string, os = process.platform): string {
  return env.RUNNER_TEMP ? joinPath(os)(env.RUNNER_TEMP, name) : joinPath(os)(sharedJobFolder(os).job, name);
}

/** Whether the job's folders are in the temp dir every user shares (no RUNNER_TEMP). */
export function inSharedTempDir(env: NodeJS.ProcessEnv): boolean {
  return !env.RUNNER_TEMP;
}

let sharedFolders: { user: string; job: string } | undefined;

/**
 * Outside RUNNER_TEMP: this user's folder in the system's temp dir (the uid in its name, the temp
 * dir's symlinks resolved once, so a link repointed later changes nothing) and in it a folder
 * for this job alone, as RUNNER_TEMP is per job: two jobs of one user at once (a self-made
 * runner with two executors) must not empty each other's folders or overwrite each other's CA
 * bundle. Named once per step; the post step takes the paths from the saved state.
 */
function sharedJobFolder(os: NodeJS.Platform): { user: string; job: string } {
  if (!sharedFolders) {
    const user = joinPath(os)(resolvedPath(tmpdir()), perUserName('pypi-cache-action'));
    sharedFolders = { user, job: joinPath(os)(user, `job-${randomBytes(6).toString('hex')}`) };
  }
  return sharedFolders;
}

/**
 * Makes `path` (a jobTempFolder) mode 0700, or refuses it if another user could have planted it;
 * outside RUNNER_TEMP this user's folder and the job's are checked first, before anything is
 * made in them.
 */
export async function ensureJobFolder(path: string, env: NodeJS.ProcessEnv): Promise<void> {
  if (inSharedTempDir(env)) {
    const { user, job } = sharedJobFolder(process.platform);
    await ensurePrivateFolder(user, { shared: true });
    await ensurePrivateFolder(job, { shared: true });
  }
  await ensurePrivateFolder(path, { shared: inSharedTempDir(env) });
}

export function installerFolder(installer: Installer, platform: Platform): CachedFolder {
  const named = platform.env[installer.cacheDirVariable]?.trim();
  if (named) return { owner: installer.name, path: named, owned: false };
  return {
    owner: installer.name,
    path: joinPath(platform.os)(jobFolderRoot(platform), installer.name),
    owned: true,
  };
}

export function proxyStoreFolder(platform: Platform): CachedFolder {
  return { owner: 'proxy', path: joinPath(platform.os)(jobFolderRoot(platform), 'proxy-store'), owned: true };
}
