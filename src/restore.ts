import { mkdir } from 'node:fs/promises';
import * as core from '@actions/core';
import { chooseBackend } from './backend/choose.js';
import { LocalCacheBackend } from './backend/local.js';
import { findDependencyFiles } from './dependency-files.js';
import { formatBytes, measureFolders } from './folder-size.js';
import { type ActionInputs, InputError, loadInputs } from './inputs.js';
import { resolveCacheDir, selectInstallers } from './installers.js';
import { deriveCacheKey, hashDependencyFiles } from './key.js';
import { currentPlatform, osKeyName, type Platform } from './platform.js';
import { detectPythonVersion } from './python-version.js';
import { type CachedFolder, type MainState, saveMainState } from './state.js';

// The main step: inputs -> key -> restore -> environment, outputs and state for the post step.

export async function run(): Promise<void> {
  try {
    await restoreStep(loadInputs(), currentPlatform());
  } catch (error: unknown) {
    // Only configuration errors fail the step; anything else is a bug worth a clear failure too.
    core.setFailed(error instanceof InputError ? error.message : `pypi-cache-action: ${String(error)}`);
  }
}

async function restoreStep(inputs: ActionInputs, platform: Platform): Promise<void> {
  const workspace = platform.env.GITHUB_WORKSPACE || process.cwd();
  const files = findDependencyFiles(workspace, inputs.dependencyFiles);
  if (files.length === 0) {
    core.warning(
      `No dependency files match 'dependency-files' (${inputs.dependencyFiles.join(', ')}): the cache key will never change.`,
    );
  } else {
    core.info(`Key from ${files.length} dependency file(s): ${files.join(', ')}`);
  }

  const installers = selectInstallers(inputs.installer, files, platform.env);
  const folders: CachedFolder[] = await Promise.all(
    installers.map(async (installer) => ({
      installer: installer.name,
      path: await resolveCacheDir(installer, platform),
    })),
  );
  const pythonVersion = inputs.pythonVersion ?? (await detectPythonVersion(platform.env));
  const { key, restoreKey } = deriveCacheKey(
    {
      prefix: inputs.keyPrefix,
      os: osKeyName(platform.os),
      arch: platform.arch,
      pythonVersion,
      installers: installers.map((installer) => installer.name),
      suffix: inputs.keySuffix,
    },
    hashDependencyFiles(workspace, files),
  );
  const restoreKeys = inputs.restoreFallback ? [restoreKey] : [];

  const paths = folders.map((folder) => folder.path);
  await Promise.all(paths.map((path) => mkdir(path, { recursive: true })));
  const backend = chooseBackend(inputs.cacheBackend, inputs.localCacheDir, platform);
  core.info(`Restoring ${paths.join(', ')} with key ${key} from the ${backend.name} cache`);
  const started = Date.now();
  const restored = await backend.restore(paths, key, restoreKeys);
  const restoreMs = Date.now() - started;
  if (restored.problem) core.warning(`Cache not restored: ${restored.problem}. The job goes on without it.`);
  const cacheHit = restored.matchedKey === key;
  const restoredBytes = restored.matchedKey ? (await measureFolders(paths)).bytes : 0;
  logOutcome(restored.matchedKey, cacheHit, restoredBytes, restoreMs);

  for (const installer of installers) {
    const folder = folders.find((candidate) => candidate.installer === installer.name);
    if (folder) core.exportVariable(installer.cacheDirVariable, folder.path);
  }
  core.setOutput('cache-hit', String(cacheHit));
  core.setOutput('cache-key', key);
  core.setOutput('cache-matched-key', restored.matchedKey ?? '');
  core.setOutput('pip-cache-dir', folders.find((folder) => folder.installer === 'pip')?.path ?? '');
  core.setOutput('uv-cache-dir', folders.find((folder) => folder.installer === 'uv')?.path ?? '');

  const state: MainState = {
    key,
    restoreKeys,
    matchedKey: restored.matchedKey,
    cacheHit,
    folders,
    backend: backend.name,
    localCacheDir: backend instanceof LocalCacheBackend ? backend.dir : undefined,
    restoredBytes,
    restoreMs,
    restoreProblem: restored.problem,
  };
  saveMainState(state);
}

function logOutcome(matchedKey: string | undefined, cacheHit: boolean, bytes: number, ms: number): void {
  if (cacheHit) {
    core.info(`Cache hit: restored ${formatBytes(bytes)} in ${ms} ms.`);
  } else if (matchedKey) {
    core.info(
      `Restored the fallback entry ${matchedKey} (${formatBytes(bytes)} in ${ms} ms); a new entry is saved.`,
    );
  } else {
    core.info('Cache miss: nothing restored; a new entry is saved after the job.');
  }
}
