// The action from its TypeScript source under @github/local-action (main, then post, in one
// process under tsx), with `proxy: true`, against the PyPI stand-in and the cache service stand-in.
//
// What local-action replaces, so this test cannot show it: its @actions/cache stub keeps entries
// as files in LOCAL_ACTION_CACHE_PATH instead of calling the cache service, so the cache service
// stand-in sees only the action's own probe (which uses @actions/http-client, not stubbed); and
// it runs post right after main, so the pip step between them is run by the post entry here
// (__tests__/support/local-action-post.ts) before the real post step.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { devNull, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeCacheService } from '../support/fake-cache-service.js';
import { FakePypi } from '../support/fake-pypi.js';
import { buildWheels } from '../support/wheels.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LOCAL_ACTION = join(REPO_ROOT, 'node_modules', '@github', 'local-action', 'bin', 'local-action.js');

let root: string;
let pypi: FakePypi;
let service: FakeCacheService;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'local-action-'));
  const wheels = await buildWheels(join(root, 'wheels'), [
    { name: 'app', version: '1.0.0', dependencies: ['tiny-util'] },
    { name: 'tiny-util', version: '0.3.0' },
  ]);
  pypi = new FakePypi({ wheels });
  service = new FakeCacheService();
  await Promise.all([pypi.start(), service.start()]);
});

afterAll(async () => {
  // A daemon the post step failed to stop would outlive the run, holding the default port.
  for (const pid of root ? processesOn(root) : []) process.kill(pid, 'SIGKILL');
  await Promise.all([pypi?.stop(), service?.stop()]);
  rmSync(root, { recursive: true, force: true });
});

/** The pids whose command line names a path below `dir` (Linux; none found elsewhere). */
function processesOn(dir: string): number[] {
  if (process.platform !== 'linux') return [];
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** `<pid> <state> <command line>`: what a failure shows of a process left running. */
function describeProcess(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    return `${pid} ${stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]} ${cmdline}`;
  } catch {
    return `${pid} (gone)`;
  }
}

/** The variables of this machine and of jest that would leak into the run. */
function cleanEnv(): NodeJS.ProcessEnv {
  const dropped = /^(INPUT_|STATE_|GITHUB_|ACTIONS_|RUNNER_|PIP_|JEST_|NODE_OPTIONS$|NODE_ENV$)/;
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !dropped.test(name)));
}

function localAction(dotenv: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [LOCAL_ACTION, '.', 'src/main.ts', dotenv, '--post', '__tests__/support/local-action-post.ts'],
      { cwd: REPO_ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      output += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      output += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

test('main and post run from src/ with proxy: true; pip installs through the proxy; the store is saved', async () => {
  const workspace = join(root, 'workspace');
  const cachePath = join(root, 'local-action-cache');
  mkdirSync(workspace, { recursive: true });
  mkdirSync(cachePath, { recursive: true });
  writeFileSync(join(workspace, 'requirements.txt'), 'app==1.0.0\n');
  const pipLog = join(root, 'pip.json');
  const dotenv = join(root, '.env');
  const variables = {
    INPUT_PROXY: 'true',
    INPUT_INSTALLER: 'pip',
    'INPUT_INDEX-URL': pypi.indexUrl,
    // `auto` asks @actions/cache whether a service exists; local-action's stub cannot say.
    'INPUT_CACHE-BACKEND': 'actions',
    ...service.env(),
    GITHUB_WORKSPACE: workspace,
    GITHUB_STEP_SUMMARY: join(root, 'summary.md'),
    RUNNER_TEMP: join(root, 'runner-temp'),
    XDG_CACHE_HOME: join(root, 'xdg-cache'),
    LOCAL_ACTION_WORKSPACE: workspace,
    LOCAL_ACTION_CACHE_PATH: cachePath,
    LOCAL_ACTION_TEST_VENV: join(root, 'venv'),
    LOCAL_ACTION_TEST_PIP_LOG: pipLog,
    PIP_CONFIG_FILE: devNull,
  };
  writeFileSync(join(root, 'summary.md'), '');
  writeFileSync(
    dotenv,
    Object.entries(variables)
      .map(([name, value]) => `${name}=${value}`)
      .join('\n'),
  );

  const run = await localAction(dotenv);
  expect({ code: run.code, output: run.code === 0 ? '' : run.output }).toEqual({ code: 0, output: '' });
  expect(run.output).toMatch(/PyPI proxy at http:\/\/127\.0\.0\.1:\d+\/simple\/ \(revalidate\)/);
  // The post step stopped the daemon it started from src/cli/proxy.ts (it once took it for
  // another process, left it running and warned).
  expect(run.output).not.toContain('::warning::');
  expect(processesOn(join(root, 'runner-temp')).map(describeProcess)).toEqual([]);

  const pip = JSON.parse(readFileSync(pipLog, 'utf8')) as {
    code: number;
    stderr: string;
    exported: Record<string, string>;
  };
  expect({ code: pip.code, stderr: pip.code === 0 ? '' : pip.stderr }).toEqual({ code: 0, stderr: '' });
  expect(pip.exported.PIP_INDEX_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/simple\/$/);
  // Both wheels reached pip through the proxy, which fetched them from the stand-in once.
  expect(pypi.counts().files).toBe(2);
  expect(run.output).toMatch(/PyPI proxy: \d+ requests/);
  expect(run.output).toMatch(/Proxy store: kept [1-9]\d* entries/);
  expect(run.output).toMatch(/: saved\./);

  // The probe reached the cache service stand-in; the entry went to local-action's cache folder.
  expect(service.calls.length).toBeGreaterThan(0);
  const key = /name=cache-key::(\S+)/.exec(run.output)?.[1];
  expect(key).toMatch(/^pypi-cache-v1-/);
  // local-action names an entry <key>-<hash of the paths>.cache.
  expect(readdirSync(cachePath)).toEqual([expect.stringMatching(new RegExp(`^${key}-[0-9a-f]+\\.cache$`))]);
});
