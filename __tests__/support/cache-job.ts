// One emulated CI job of the action: the dist/ bundles under the runner emulation, against the
// cache service stand-in, with pip isolated from this machine's pip configuration.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { devNull } from 'node:os';
import { delimiter, isAbsolute, join, relative } from 'node:path';
import type { FakeCacheService } from './fake-cache-service.js';
import { BASE_PYTHON_DIR, createVenv, pipInstall, type RunResult } from './pip.js';
import type { RunnerJob } from './runner.js';

/**
 * The job's `env:`: no PIP_* of this machine, pip config files off, the cache service's variables,
 * and the real interpreter first on PATH, as setup-python leaves a runner (a version manager's
 * shim costs a bash start-up or two for every `python3` the main step runs).
 */
export function jobEnv(
  service: FakeCacheService | undefined,
  extra: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  const machinePip = Object.keys(process.env).filter((name) => name.toUpperCase().startsWith('PIP_'));
  return {
    ...Object.fromEntries(machinePip.map((name) => [name, undefined])),
    PIP_CONFIG_FILE: devNull,
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
    PIP_NO_INPUT: '1',
    ...(isAbsolute(BASE_PYTHON_DIR)
      ? { PATH: `${BASE_PYTHON_DIR}${delimiter}${process.env.PATH ?? ''}` }
      : {}),
    ...(service?.env() ?? {}),
    ...extra,
  };
}

/** A `run: pip install ...` step of the job: a fresh venv, the env the job's steps see. */
export async function pipInstallStep(job: RunnerJob, venvDir: string, args: string[]): Promise<RunResult> {
  const python = await createVenv(venvDir);
  return pipInstall({ python, args, env: job.stepEnv() });
}

/** Relative path -> sha256 of every file below `folder`: what "the same files back" means. */
export function snapshotFolder(folder: string): Record<string, string> {
  const snapshot: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (statSync(path).isFile()) {
        snapshot[relative(folder, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
      }
    }
  };
  walk(folder);
  return snapshot;
}
