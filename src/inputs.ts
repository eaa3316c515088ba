import * as core from '@actions/core';
import { validateGlobPattern } from './glob-pattern.js';

// The only place that reads the action's inputs. Every value is validated here, so a typo
// fails the main step with a message that names the input and the accepted values.

export type InstallerChoice = 'auto' | 'pip' | 'uv';
export type SavePolicy = 'always' | 'never' | 'default-branch';
export type PruneChoice = 'auto' | 'on' | 'off';
export type BackendChoice = 'auto' | 'actions' | 'local';

export interface ActionInputs {
  installer: InstallerChoice;
  dependencyFiles: string[];
  /** `undefined`: detect from the python on PATH; `'none'`: leave Python out of the key. */
  pythonVersion: string | undefined;
  keyPrefix: string;
  keySuffix: string;
  restoreFallback: boolean;
  save: SavePolicy;
  prune: PruneChoice;
  cacheBackend: BackendChoice;
  localCacheDir: string | undefined;
}

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

export class InputError extends Error {
  constructor(input: string, message: string) {
    super(`Input '${input}': ${message}`);
    this.name = 'InputError';
  }
}

type ReadInput = (name: string) => string;

export function loadInputs(): ActionInputs {
  return parseInputs((name) => core.getInput(name));
}

export function parseInputs(read: ReadInput): ActionInputs {
  return {
    installer: oneOf(read, 'installer', { auto: 'auto', pip: 'pip', uv: 'uv' }, 'auto'),
    dependencyFiles: parseDependencyFiles(read('dependency-files')),
    pythonVersion: parsePythonVersion(read('python-version')),
    keyPrefix: parseKeyPart('key-prefix', read('key-prefix').trim() || 'pypi-cache'),
    keySuffix: parseKeyPart('key-suffix', read('key-suffix').trim()),
    restoreFallback: parseBoolean(read, 'restore-fallback', true),
    save: oneOf(
      read,
      'save',
      { true: 'always', false: 'never', 'default-branch': 'default-branch' },
      'always',
    ),
    prune: oneOf(read, 'prune', { auto: 'auto', true: 'on', false: 'off' }, 'auto'),
    cacheBackend: oneOf(read, 'cache-backend', { auto: 'auto', actions: 'actions', local: 'local' }, 'auto'),
    localCacheDir: read('local-cache-dir').trim() || undefined,
  };
}

/** Reads an enumerated input; the accepted spellings are the keys of `choices`. */
function oneOf<T extends string>(read: ReadInput, name: string, choices: Record<string, T>, fallback: T): T {
  const raw = read(name).trim();
  if (raw === '') return fallback;
  const value = choices[raw.toLowerCase()];
  if (value === undefined) {
    throw new InputError(name, `'${raw}' is not one of: ${Object.keys(choices).join(', ')}.`);
  }
  return value;
}

function parseBoolean(read: ReadInput, name: string, fallback: boolean): boolean {
  return oneOf(read, name, { true: 'true', false: 'false' }, fallback ? 'true' : 'false') === 'true';
}

function parseDependencyFiles(raw: string): string[] {
  const patterns = raw
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (patterns.length === 0) return DEFAULT_DEPENDENCY_FILES;
  for (const pattern of patterns) {
    const problem = validateGlobPattern(pattern);
    if (problem) throw new InputError('dependency-files', `'${pattern}' is not a valid glob: ${problem}.`);
  }
  return patterns;
}

// X.Y, X.Y.Z, free-threaded X.Yt, and PyPy/GraalPy spellings; the key keeps X.Y only.
const PYTHON_VERSION = /^(pypy|graalpy)?(\d+)\.(\d+)(\.\d+)?(t)?$/i;

function parsePythonVersion(raw: string): string | undefined {
  const value = raw.trim();
  if (value === '') return undefined;
  if (value.toLowerCase() === 'none') return 'none';
  const match = PYTHON_VERSION.exec(value);
  if (!match) {
    throw new InputError(
      'python-version',
      `'${value}' is not a Python version; use X.Y (e.g. 3.12), X.Y.Z, X.Yt, pypyX.Y, or none.`,
    );
  }
  const [, implementation = '', major, minor, , freeThreaded = ''] = match;
  return `${implementation.toLowerCase()}${major}.${minor}${freeThreaded.toLowerCase()}`;
}

// Keys may not contain commas (the service splits on them); keep them to one visible token.
const KEY_PART = /^[A-Za-z0-9._+=@-]*$/;

function parseKeyPart(name: string, value: string): string {
  if (value.length > 128) throw new InputError(name, 'must be at most 128 characters.');
  if (!KEY_PART.test(value)) {
    throw new InputError(
      name,
      `'${value}' may only contain letters, digits and . _ + = @ - (no commas or spaces).`,
    );
  }
  return value;
}
