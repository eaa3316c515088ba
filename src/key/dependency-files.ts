import { type Dirent, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compileGlobs } from './glob-pattern.js';

// Finds the files whose contents make the cache key. One synchronous walk of the workspace:
// for a one-shot scan it beats @actions/glob, which walks once per pattern (see BENCHMARKS.md).

/** The `dependency-files` input's default: the files that say what a job installs. */
export const DEFAULT_DEPENDENCY_FILES = [
  '**/requirements*.txt',
  '**/requirements/*.txt',
  '**/constraints*.txt',
  '**/uv.lock',
  '**/pylock*.toml',
  '**/poetry.lock',
  '**/Pipfile.lock',
  '**/pdm.lock',
  '**/pyproject.toml',
  '**/setup.cfg',
  '**/setup.py',
];

// Folders that never hold the project's own lockfiles, and can be huge.
const SKIPPED_FOLDERS = new Set([
  '.git',
  'node_modules',
  '.venv',
  'venv',
  '.tox',
  '.nox',
  '__pycache__',
  '__pypackages__',
  'site-packages',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
]);

/** Workspace-relative POSIX paths of the files matching `patterns`, sorted. */
export function findDependencyFiles(workspace: string, patterns: string[]): string[] {
  const matches = compileGlobs(patterns);
  const found: string[] = [];
  const pending: string[] = [''];
  for (let relative = pending.pop(); relative !== undefined; relative = pending.pop()) {
    const entries = readFolder(join(workspace, relative));
    // A folder with a pyvenv.cfg is a virtualenv, whatever it is called (PEP 405).
    if (relative !== '' && entries.some((entry) => entry.name === 'pyvenv.cfg')) continue;
    for (const entry of entries) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) pending.push(path);
      } else if (matches(path) && isFile(workspace, path, entry)) {
        found.push(path);
      }
    }
  }
  return found.sort();
}

function readFolder(path: string): Dirent[] {
  try {
    return readdirSync(path, { withFileTypes: true });
  } catch {
    return []; // unreadable folders cannot hold a key file we could read anyway
  }
}

// Symlinked files count (a monorepo may link one lockfile into several projects); symlinked
// folders are not followed, so a link cycle cannot trap the walk.
function isFile(workspace: string, path: string, entry: Dirent): boolean {
  if (entry.isFile()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return statSync(join(workspace, path)).isFile();
  } catch {
    return false;
  }
}
