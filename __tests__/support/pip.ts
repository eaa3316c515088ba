// Runs the real pip against a fresh venv, blind to this machine's pip configuration.
// Without this, PIP_FIND_LINKS and the user/global pip.conf (extra-index-url, find-links) make pip
// quietly install from local folders, and a test "passes" without touching the fake PyPI.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { devNull } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { sharedFixture } from './shared-fixture.js';
import { normalizeProjectName } from './wheels.js';

/**
 * The interpreter that owns the base pip; override with PYTHON for another one. Resolved once to
 * the real executable: a version manager's shim (pyenv's is a bash script) costs ~0.3 s of CPU on
 * every venv and pip start-up otherwise. Jest's globalSetup (scripts/jest-shared-fixtures.cjs)
 * resolves it once for the whole run; without it, each importing file does.
 */
export const BASE_PYTHON =
  process.env.PYTHON ?? (process.env.PYPI_CACHE_ACTION_TEST_BASE_PYTHON || realInterpreter('python3'));

function realInterpreter(name: string): string {
  try {
    return (
      execFileSync(name, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim() || name
    );
  } catch {
    return name;
  }
}

/**
 * PATH without the folders that hold a `rustc`: pip runs `rustc --version` for its User-Agent at
 * every start, ~0.07 s of CPU through rustup's proxy here (43 pip runs a check). These tests
 * install wheels; nothing builds Rust.
 */
const PATH_WITHOUT_RUSTC = (process.env.PATH ?? '')
  .split(delimiter)
  .filter(
    (folder) => !folder || !existsSync(join(folder, process.platform === 'win32' ? 'rustc.exe' : 'rustc')),
  )
  .join(delimiter);

/**
 * process.env without any PIP_* variable, PATH without rustc, config files switched off (pip
 * skips every config file when PIP_CONFIG_FILE is os.devnull), then `extra` on top — the way a
 * later job step gets PIP_INDEX_URL and friends from GITHUB_ENV.
 */
export function isolatedPipEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.toUpperCase().startsWith('PIP_')) env[key] = value;
  }
  return {
    ...env,
    ...(env.PATH === undefined ? {} : { PATH: PATH_WITHOUT_RUSTC }),
    PIP_CONFIG_FILE: devNull,
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
    PIP_NO_INPUT: '1',
    ...extra,
  };
}

/** The folder of the real interpreter: first on a job's PATH, as setup-python puts it there. */
export const BASE_PYTHON_DIR = dirname(BASE_PYTHON);

/**
 * The base pip's `__pip-runner__.py` (pip >= 22.3): what `pip --python <venv python>` runs in the
 * venv's interpreter after a full start-up of pip in the base one. Running it directly saves that
 * first interpreter and pip import (about a second of CPU per pip call here) for the same pip.
 */
const PIP_RUNNER = sharedPipRunner() ?? pipRunner();

/** The runner globalSetup found for BASE_PYTHON (an empty value: none); undefined: not looked up. */
function sharedPipRunner(): string | undefined {
  const found = process.env.PYPI_CACHE_ACTION_TEST_PIP_RUNNER;
  if (found === undefined || !process.env.PYPI_CACHE_ACTION_TEST_BASE_PYTHON) return undefined;
  return found;
}

function pipRunner(): string | undefined {
  try {
    const path = execFileSync(
      BASE_PYTHON,
      ['-c', "import os, pip; print(os.path.join(os.path.dirname(pip.__file__), '__pip-runner__.py'))"],
      { encoding: 'utf8', env: isolatedPipEnv() },
    ).trim();
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
}

/**
 * A venv without pip (fast: no ensurepip); the base pip installs into it through
 * `pip --python` (pip >= 22.3). Returns the venv's python.
 *
 * `python -m venv` makes one venv a run (a shared fixture) and each caller gets a copy, links kept
 * as they are and the copy's own path written where venv writes the path (pyvenv.cfg, the activate
 * scripts): the same folder venv would make, without its ~0.15 s of CPU each (38 venvs a run).
 */
export async function createVenv(dir: string): Promise<string> {
  const template = await sharedFixture('venv-without-pip', dirname(dir), makeVenv);
  await cp(template, dir, { recursive: true, verbatimSymlinks: true, errorOnExist: true, force: false });
  for (const file of ['pyvenv.cfg', ...VENV_SCRIPTS_NAMING_IT]) {
    const path = join(dir, file);
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text !== undefined) await writeFile(path, text.replaceAll(template, dir));
  }
  return join(dir, process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python');
}

const VENV_SCRIPTS_NAMING_IT =
  process.platform === 'win32'
    ? ['Scripts/activate', 'Scripts/activate.bat']
    : ['bin/activate', 'bin/activate.csh', 'bin/activate.fish'];

async function makeVenv(dir: string): Promise<string> {
  const result = await run(BASE_PYTHON, ['-m', 'venv', '--without-pip', dir], isolatedPipEnv());
  if (result.code !== 0) throw new Error(`python -m venv ${dir} failed: ${result.stderr}`);
  return dir;
}

function basePip(python: string, args: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  if (PIP_RUNNER) return run(python, [PIP_RUNNER, ...args], env);
  return run(BASE_PYTHON, ['-m', 'pip', '--python', python, ...args], env);
}

/**
 * `pip install <args>` into the venv of `python`. Without a cacheDir (and no PIP_CACHE_DIR in env)
 * pip runs with --no-cache-dir, so no earlier test's cache can serve it.
 */
export function pipInstall(opts: {
  python: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cacheDir?: string;
}): Promise<RunResult> {
  const env = opts.env ?? isolatedPipEnv();
  const cacheArgs = opts.cacheDir
    ? ['--cache-dir', opts.cacheDir]
    : env.PIP_CACHE_DIR
      ? []
      : ['--no-cache-dir'];
  return basePip(opts.python, ['install', ...cacheArgs, ...opts.args], env);
}

/**
 * Normalized project name -> version of what is installed in the venv of `python`: the Name and
 * Version of each *.dist-info/METADATA in its site-packages, which is what `pip list` reads
 * (importlib.metadata), without pip's ~0.7 s of CPU a call.
 */
export async function installedPackages(python: string): Promise<Record<string, string>> {
  const venv = dirname(dirname(python));
  const libs =
    process.platform === 'win32'
      ? [join(venv, 'Lib', 'site-packages')]
      : (await readdir(join(venv, 'lib'))).map((version) => join(venv, 'lib', version, 'site-packages'));
  const installed: Record<string, string> = {};
  for (const lib of libs) {
    for (const entry of (await readdir(lib).catch(() => [])).filter((name) => name.endsWith('.dist-info'))) {
      const metadata = await readFile(join(lib, entry, 'METADATA'), 'utf8');
      const field = (name: string) => new RegExp(`^${name}: *(.+?)\\s*$`, 'm').exec(metadata)?.[1];
      const name = field('Name');
      const version = field('Version');
      if (!name || !version) throw new Error(`${join(lib, entry)}: METADATA without Name or Version`);
      installed[normalizeProjectName(name)] = version;
    }
  }
  return installed;
}
