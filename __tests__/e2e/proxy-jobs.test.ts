// End to end with `proxy: true`: the bundled action under the runner emulation, the real
// @actions/cache against the cache service stand-in, the proxy daemon it starts, and a real pip
// that finds the proxy only through the environment the main step exported.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { DEFAULT_PROXY_PORT } from '../../src/action/proxy-port.js';
import { jobEnv, pipInstallStep, snapshotFolder } from '../support/cache-job.js';
import { FakeCacheService } from '../support/fake-cache-service.js';
import { FakePypi } from '../support/fake-pypi.js';
import { installedPackages } from '../support/pip.js';
import { RunnerJob } from '../support/runner.js';
import { type BuiltWheel, buildWheels } from '../support/wheels.js';

let root: string;
let pypi: FakePypi;
let service: FakeCacheService;
let wheels: BuiltWheel[];
let bumped: BuiltWheel;
const jobs: RunnerJob[] = [];

// One runner image: the same RUNNER_TEMP (where the action's folders live) in every job,
// emptied before each.
let workspace: string;
let temp: string;
const lockV1 = 'app==1.0.0\nlib-core==1.0.0\ntiny-util==0.3.0\n';
const lockV2 = 'app==1.0.0\nlib-core==1.1.0\ntiny-util==0.3.0\n';

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'proxy-jobs-'));
  wheels = await buildWheels(join(root, 'wheels'), [
    { name: 'app', version: '1.0.0', dependencies: ['lib-core>=1.0', 'tiny-util'] },
    { name: 'lib-core', version: '1.0.0', payloadBytes: 300_000 },
    { name: 'tiny-util', version: '0.3.0' },
  ]);
  [bumped] = await buildWheels(join(root, 'wheels-later'), [
    { name: 'lib-core', version: '1.1.0', payloadBytes: 300_000 },
  ]);
  pypi = new FakePypi({ wheels });
  service = new FakeCacheService();
  await Promise.all([pypi.start(), service.start()]);
  workspace = join(root, 'workspace');
  temp = join(root, 'runner-temp');
  mkdirSync(workspace, { recursive: true });
});

afterAll(async () => {
  await Promise.all(jobs.map((job) => job.cleanup()));
  await Promise.all([pypi?.stop(), service?.stop()]);
  rmSync(root, { recursive: true, force: true });
});

function newJob(
  lockfile: string,
  inputs: Record<string, string> = {},
  env: Record<string, string | undefined> = {},
) {
  writeFileSync(join(workspace, 'requirements.txt'), lockfile);
  const job = new RunnerJob({
    workspace,
    // Any free port: the default (31415) is one port for every suite on this machine, and between
    // the check that it is free and the daemon's bind another suite's proxy can take it. The
    // tests of the default port ask for it ('proxy-port': '').
    inputs: { installer: 'pip', proxy: 'true', 'index-url': pypi.indexUrl, 'proxy-port': '0', ...inputs },
    env: jobEnv(service, env),
    runnerTemp: temp,
  });
  jobs.push(job);
  return job;
}

const storeFiles = () => {
  const dir = join(temp, 'pypi-cache-action', 'proxy-store', 'files', 'sha256');
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort();
};
const wheel = (filename: string) => [...wheels, bumped].find((w) => w.filename === filename) as BuiltWheel;
const install = (job: RunnerJob, venv: string) =>
  pipInstallStep(job, join(root, venv), ['-r', join(workspace, 'requirements.txt')]);

describe('four jobs through the proxy', () => {
  let firstKey = '';
  let thirdKey = '';

  test('job 1 (miss) installs through the proxy and saves its store', async () => {
    const job = newJob(lockV1);
    pypi.resetRequests();
    const main = await job.runMain();
    expect(main.exitCode).toBe(0);
    expect(main.outputs['cache-hit']).toBe('false');
    const url = main.outputs['proxy-url'];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(main.exportedEnv).toMatchObject({
      PIP_INDEX_URL: `${url}/simple/`,
      UV_DEFAULT_INDEX: `${url}/simple/`,
      PIP_TRUSTED_HOST: new URL(url).host,
    });
    firstKey = main.outputs['cache-key'];
    // A miss: nothing to link yet (issue 11, the wheelhouse route).
    expect(main.outputs.wheelhouse).toBe('');

    const installed = await install(job, 'venv-1');
    expect(installed.code).toBe(0);
    expect(installed.stdout).toContain(`${url}/files/`);
    // Cold: each page, metadata file and wheel exactly once.
    expect(pypi.counts()).toMatchObject({ pages: 3, metadata: 3, files: 3 });

    const post = await job.runPost();
    expect(post.exitCode).toBe(0);
    expect(post.warnings).toEqual([]);
    expect(post.stdout).toMatch(/PyPI proxy: \d+ requests, \d+ from the store, 9 from upstream/);
    // Issue 13: nothing came from the store, and the line does not say "0 B not downloaded again".
    expect(post.stdout).toMatch(/0 revalidated \(304, nothing downloaded\), 0 errors/);
    expect(post.stdout).not.toContain('not downloaded again');
    expect(post.summary).toContain('Requests served');
    expect(post.stdout).toContain('Wheelhouse: recorded 3 files for the next job with this key.');
    expect(service.entries().map((entry) => entry.key)).toEqual([firstKey]);
  });

  test('job 2 (same lockfile, fresh folders) gets an exact hit and reaches PyPI not at all', async () => {
    const job = newJob(lockV1);
    pypi.resetRequests();
    const main = await job.runMain();
    expect(main.outputs['cache-hit']).toBe('true');
    expect(main.stdout).toContain('(frozen)');

    // The wheelhouse: pip from a folder of the stored wheels, no index, no server asked.
    const wheelhouse = main.outputs.wheelhouse;
    expect(wheelhouse).toBe(join(temp, 'pypi-cache-action', 'wheelhouse'));
    // The store's verified bytes under their file names, nothing else.
    const linked = [
      'app-1.0.0-py3-none-any.whl',
      'lib_core-1.0.0-py3-none-any.whl',
      'tiny_util-0.3.0-py3-none-any.whl',
    ];
    expect(snapshotFolder(wheelhouse)).toEqual(
      Object.fromEntries(linked.map((filename) => [filename, wheel(filename).sha256])),
    );
    const fromFolder = await pipInstallStep(job, join(root, 'venv-2w'), [
      '--no-index',
      '--find-links',
      wheelhouse,
      '-r',
      join(workspace, 'requirements.txt'),
    ]);
    expect(fromFolder.code).toBe(0);
    expect(await installedPackages(join(root, 'venv-2w', 'bin', 'python'))).toMatchObject({
      app: '1.0.0',
      'lib-core': '1.0.0',
      'tiny-util': '0.3.0',
    });
    const stats = (await (await fetch(`${main.outputs['proxy-url']}/-/stats`)).json()) as {
      pageRequests: number;
      fileRequests: number;
    };
    expect([stats.pageRequests, stats.fileRequests]).toEqual([0, 0]);

    // The index route stays the fallback on the same job.
    const installed = await install(job, 'venv-2');
    expect(installed.code).toBe(0);
    expect(await installedPackages(join(root, 'venv-2', 'bin', 'python'))).toMatchObject({
      app: '1.0.0',
      'lib-core': '1.0.0',
      'tiny-util': '0.3.0',
    });
    expect(pypi.requests).toEqual([]);
    const post = await job.runPost();
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain('skipped: exact hit');
    expect(post.stdout).toMatch(/0 from upstream/);
  });

  test('job 3 (one package bumped) restores the fallback and fetches only that page and file', async () => {
    pypi.addWheels([bumped]);
    const job = newJob(lockV2);
    pypi.resetRequests();
    const main = await job.runMain();
    expect(main.outputs['cache-hit']).toBe('false');
    expect(main.outputs['cache-matched-key']).toBe(firstKey);
    thirdKey = main.outputs['cache-key'];

    expect((await install(job, 'venv-3')).code).toBe(0);
    const paths = pypi.requests.map((request) => request.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/simple/lib-core/',
        expect.stringMatching(/lib_core-1\.1\.0-py3-none-any\.whl\.metadata$/),
        expect.stringMatching(/lib_core-1\.1\.0-py3-none-any\.whl$/),
      ]),
    );
    expect(paths).toHaveLength(3);

    const post = await job.runPost();
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toMatch(/Proxy store: kept \d+ entries this job used, removed [1-9]\d* it did not/);
    expect(service.entries().map((entry) => entry.key)).toContain(thirdKey);
  });

  test("job 3's saved entry holds no file job 3 did not use", async () => {
    // Restored on its own (exact hit on job 3's key), the store shows what was saved.
    const job = newJob(lockV2);
    const main = await job.runMain();
    expect(main.outputs['cache-matched-key']).toBe(thirdKey);
    const used = [
      'app-1.0.0-py3-none-any.whl',
      'lib_core-1.1.0-py3-none-any.whl',
      'tiny_util-0.3.0-py3-none-any.whl',
    ];
    const stored = storeFiles();
    for (const filename of used) expect(stored).toContain(wheel(filename).sha256);
    expect(stored).not.toContain(wheel('lib_core-1.0.0-py3-none-any.whl').sha256);
    // The three wheels and their three PEP 658 metadata files, nothing else.
    expect(stored).toHaveLength(6);
    await job.runPost();
  });

  test('job 4 (PyPI down, the lockfile of job 2) still installs', async () => {
    const job = newJob(lockV1);
    pypi.setDown(true);
    try {
      const main = await job.runMain();
      expect(main.outputs['cache-hit']).toBe('true');
      const installed = await install(job, 'venv-4');
      expect(installed.code).toBe(0);
      expect(await installedPackages(join(root, 'venv-4', 'bin', 'python'))).toMatchObject({
        'lib-core': '1.0.0',
      });
      expect((await job.runPost()).exitCode).toBe(0);
    } finally {
      pypi.setDown(false);
    }
  });
});

describe('the wheelhouse is offered only where it is safe (issue 11)', () => {
  test('a requirement not pinned: no wheelhouse on the exact hit, the index route only', async () => {
    const unpinned = 'app==1.0.0\nlib-core>=1.0\ntiny-util==0.3.0\n';
    const first = newJob(unpinned);
    const miss = await first.runMain();
    expect(miss.outputs['cache-hit']).toBe('false');
    expect((await install(first, 'venv-unpinned')).code).toBe(0);
    const saved = await first.runPost();
    expect(saved.stdout).toContain(
      'Wheelhouse: not recorded for the next job: not every requirement is pinned.',
    );

    const second = newJob(unpinned);
    const hit = await second.runMain();
    expect(hit.outputs['cache-hit']).toBe('true');
    expect(hit.outputs.wheelhouse).toBe('');
    expect(hit.stdout).toContain(
      "Wheelhouse: not offered (not every requirement is pinned: requirements.txt line 2: 'lib-core>=1.0' is not pinned",
    );
    await second.runPost();
  });
});

describe('an entry that cannot serve its key never keeps it (issue 9, case 6)', () => {
  // One key for the four jobs; no fallback, so each job sees only this key's entries.
  const lockfile = 'lib-core==1.0.0\ntiny-util==0.3.0\n';
  const inputs = { 'key-suffix': 'repair', 'restore-fallback': 'false' };
  const keysOf = (key: string) =>
    service
      .entries()
      .map((entry) => entry.key)
      .filter((k) => k.startsWith(key));
  let key = '';

  test('a job that sends nothing through the proxy saves no entry, so the next job misses', async () => {
    const idle = newJob(lockfile, inputs);
    const main = await idle.runMain();
    key = main.outputs['cache-key'].replace(/~g1$/, '');
    // The install step was skipped: the store holds only its layout.
    const post = await idle.runPost();
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain('not saved: the proxy store holds no file');
    expect(keysOf(key)).toEqual([]);
    const next = newJob(lockfile, inputs);
    expect((await next.runMain()).outputs['cache-hit']).toBe('false');
    // It installs part of the lockfile only (one package), and saves that as the first generation.
    expect((await pipInstallStep(next, join(root, 'venv-partial'), ['tiny-util==0.3.0'])).code).toBe(0);
    expect((await next.runPost()).stdout).toContain(': saved.');
    expect(keysOf(key)).toEqual([`${key}~g1`]);
  });

  test('an exact hit whose proxy had to fetch from upstream saves the next generation', async () => {
    const job = newJob(lockfile, inputs);
    const main = await job.runMain();
    expect(main.outputs['cache-hit']).toBe('true');
    expect(main.outputs['cache-matched-key']).toBe(`${key}~g1`);
    expect(main.outputs['cache-key']).toBe(`${key}~g2`);
    pypi.resetRequests();
    expect((await install(job, 'venv-repair')).code).toBe(0);
    // lib-core was not in the entry: frozen still fetches what the store lacks.
    expect(pypi.counts().files).toBeGreaterThan(0);
    const post = await job.runPost();
    expect(post.stdout).toMatch(
      /The entry restored for this key lacked what the proxy then fetched from upstream/,
    );
    expect(post.stdout).toContain(`saving it again as ${key}~g2`);
    expect(keysOf(key).sort()).toEqual([`${key}~g1`, `${key}~g2`]);
  });

  test('the job after that restores the repaired entry and sends nothing upstream', async () => {
    const job = newJob(lockfile, inputs);
    const main = await job.runMain();
    expect(main.outputs['cache-hit']).toBe('true');
    expect(main.outputs['cache-matched-key']).toBe(`${key}~g2`);
    pypi.resetRequests();
    expect((await install(job, 'venv-repaired')).code).toBe(0);
    expect(pypi.requests).toEqual([]);
    const post = await job.runPost();
    expect(post.stdout).toContain('skipped: exact hit, the entry is unchanged');
    expect(keysOf(key)).toHaveLength(2);
  });
});

describe("the action's folders are the job's own, and nobody else's (issue 9, case 7)", () => {
  // A developer's machine or a self-hosted runner: a HOME with the user's pip and uv caches
  // and the CLI's default store in it. uv cannot be installed here: a stand-in on PATH answers
  // `uv cache dir` and does what matters of `uv cache prune --ci` (it empties the folder).
  let home: string;
  let path: string;
  const userFiles = () => ({
    cli: snapshotFolder(join(home, '.cache', 'pypi-cache-proxy')),
    pip: snapshotFolder(join(home, '.cache', 'pip')),
    uv: snapshotFolder(join(home, '.cache', 'uv')),
  });

  beforeAll(() => {
    home = join(root, 'home');
    const bin = join(root, 'stand-in-bin');
    for (const [dir, file] of [
      ['pypi-cache-proxy/files/sha256/ab', 'abcdef'],
      ['pip/http-v2/a', 'response'],
      ['pip/wheels/built', 'local.whl'],
      ['uv/wheels-v5', 'downloaded.whl'],
    ]) {
      mkdirSync(join(home, '.cache', dir), { recursive: true });
      writeFileSync(join(home, '.cache', dir, file), `the user's ${file}`);
    }
    mkdirSync(bin, { recursive: true });
    writeFileSync(
      join(bin, 'uv'),
      [
        '#!/bin/sh',
        '[ -n "$UV_CACHE_DIR" ] || UV_CACHE_DIR="$HOME/.cache/uv"',
        'case "$1 $2" in',
        '  "cache dir") echo "$UV_CACHE_DIR" ;;',
        '  "cache prune") rm -rf "$UV_CACHE_DIR"/* ;;',
        '  *) exit 2 ;;',
        'esac',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    path = `${bin}${delimiter}${process.env.PATH}`;
  });

  test("without PIP_CACHE_DIR or UV_CACHE_DIR: folders under RUNNER_TEMP, the user's and the CLI's untouched", async () => {
    const before = userFiles();
    const job = newJob(
      'tiny-util==0.3.0\n',
      { installer: 'auto', 'key-suffix': 'owned' },
      {
        HOME: home,
        XDG_CACHE_HOME: undefined,
        PATH: path,
      },
    );
    const main = await job.runMain();
    expect(main.exitCode).toBe(0);
    const owned = join(temp, 'pypi-cache-action');
    expect(main.outputs['pip-cache-dir']).toBe(join(owned, 'pip'));
    expect(main.outputs['uv-cache-dir']).toBe(join(owned, 'uv'));
    expect(JSON.parse(main.state.main).proxy.storeDir).toBe(join(owned, 'proxy-store'));
    // The job's own folders are pruned before the save (the store too, to what the job used).
    writeFileSync(join(owned, 'uv', 'downloaded.whl'), 'x');
    const post = await job.runPost();
    expect(post.stdout).toContain('Pruned the uv cache: ran uv cache prune --ci');
    expect(snapshotFolder(join(owned, 'uv'))).toEqual({});
    expect(userFiles()).toEqual(before);
  });

  test('a PIP_CACHE_DIR and UV_CACHE_DIR the job names are cached, never emptied nor pruned', async () => {
    const pipDir = join(home, '.cache', 'pip');
    const uvDir = join(home, '.cache', 'uv');
    const before = userFiles();
    const job = newJob(
      'tiny-util==0.3.0\n',
      { installer: 'auto', 'key-suffix': 'named' },
      {
        HOME: home,
        XDG_CACHE_HOME: undefined,
        PATH: path,
        PIP_CACHE_DIR: pipDir,
        UV_CACHE_DIR: uvDir,
      },
    );
    const main = await job.runMain();
    expect(main.outputs['pip-cache-dir']).toBe(pipDir);
    expect(main.outputs['uv-cache-dir']).toBe(uvDir);
    expect(userFiles()).toEqual(before);
    const post = await job.runPost();
    expect(post.exitCode).toBe(0);
    expect(post.stdout).not.toContain('Pruned the');
    expect(userFiles()).toEqual(before);
  });
});

test('a proxy that dies mid-job: pip shows the error, post says so and saves no empty store', async () => {
  const job = newJob('tiny-util==0.3.0\n', { 'key-suffix': 'dies', 'restore-fallback': 'false' });
  const main = await job.runMain();
  const { pid } = JSON.parse(main.state.main).proxy as { pid: number };
  process.kill(pid, 'SIGKILL');
  const installed = await pipInstallStep(job, join(root, 'venv-dead'), [
    // One retry: pip then prints why it retried, instead of only "no matching distribution".
    '--retries',
    '1',
    '-r',
    join(workspace, 'requirements.txt'),
  ]);
  expect(installed.code).not.toBe(0);
  expect(installed.stderr + installed.stdout).toMatch(
    /Connection refused|Failed to establish a new connection/,
  );

  // Something in the job's pip cache, nothing in the store: an entry that could not serve a job.
  writeFileSync(join(temp, 'pypi-cache-action', 'pip', 'marker'), 'x');
  const post = await job.runPost();
  expect(post.exitCode).toBe(0);
  expect(post.warnings).toEqual([
    expect.stringMatching(/^the proxy stopped during the job/),
    expect.stringMatching(/whole store is saved/),
  ]);
  expect(post.stdout).toContain('not saved: the proxy store holds no file');
});

test('a uv.lock is noted in index mode: uv sync --frozen bypasses the index', async () => {
  writeFileSync(join(workspace, 'uv.lock'), 'version = 1\n');
  try {
    // proxy-mode auto would intercept with a uv.lock (intercept-jobs.test.ts).
    const job = newJob('tiny-util==0.3.0\n', {
      installer: 'auto',
      'key-suffix': 'uvlock',
      'proxy-mode': 'index',
    });
    const main = await job.runMain();
    expect(main.exitCode).toBe(0);
    expect(main.stdout).toMatch(/uv sync --frozen.*the uv cache folder carries the job, not the proxy/);
    expect(main.outputs['uv-cache-dir']).not.toBe('');
    // uv sync downloads past the proxy here: prune: auto keeps the installers' folders, which
    // hold those downloads (issue 10: pruning them made every warm job download them again).
    const post = await job.runPost();
    expect(post.stdout).toContain("Installer caches kept as they are (prune: auto): a lockfile's URLs");
    expect(post.stdout).not.toMatch(/Pruned the (pip|uv) cache/);
  } finally {
    rmSync(join(workspace, 'uv.lock'));
  }
});

test('extra indexes get their own routes and variables; allow-file-hosts lets files of another host be stored', async () => {
  // The extra index named by `localhost`: its files, linked on 127.0.0.1, are on another host,
  // which the proxy fetches and stores only because allow-file-hosts names it (issue 9, case 12).
  const job = newJob('tiny-util==0.3.0\n', {
    'key-suffix': 'extras',
    'extra-index-urls': `internal=${pypi.indexUrl.replace('//127.0.0.1:', '//localhost:')}`,
    'allow-file-hosts': '127.0.0.1',
  });
  const main = await job.runMain();
  expect(main.exitCode).toBe(0);
  const url = main.outputs['proxy-url'];
  expect(main.exportedEnv.PIP_EXTRA_INDEX_URL).toBe(`${url}/internal/simple/`);
  expect(main.exportedEnv.UV_INDEX).toBe(`internal=${url}/internal/simple/`);
  const { pid } = JSON.parse(main.state.main).proxy as { pid: number };
  expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toEqual(
    expect.arrayContaining(['--allow-file-host', '127.0.0.1']),
  );
  const page = await fetch(`${url}/internal/simple/tiny-util/`, {
    headers: { accept: 'application/vnd.pypi.simple.v1+json' },
  });
  expect(page.status).toBe(200);
  const [link] = ((await page.json()) as { files: { url: string }[] }).files;
  // Through the proxy's file route, not the upstream URL left to the client.
  const fileUrl = new URL(link?.url ?? '', `${url}/internal/simple/tiny-util/`);
  expect(fileUrl.origin).toBe(url);
  const tiny = wheels.find((w) => w.name === 'tiny-util') as BuiltWheel;
  const body = Buffer.from(await (await fetch(fileUrl)).arrayBuffer());
  expect(createHash('sha256').update(body).digest('hex')).toBe(tiny.sha256);
  await job.runPost();
  expect(storeFiles()).toContain(tiny.sha256);
});

test('a proxy that cannot start fails the main step with its reason', async () => {
  const busy: Server = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  const port = (busy.address() as { port: number }).port;
  try {
    const job = newJob('tiny-util==0.3.0\n', { 'key-suffix': 'busy', 'proxy-port': String(port) });
    const main = await job.runMain();
    expect(main.exitCode).toBe(1);
    expect(main.errors).toEqual([expect.stringMatching(/the proxy did not start .*EADDRINUSE/s)]);
  } finally {
    busy.close();
  }
});

test('the default port taken: the next one, a warning, and docker build arguments for that port', async () => {
  // Held here (or already held by another process on this machine: the same case).
  const held: Server = createServer();
  await new Promise<void>((resolve) => {
    held.once('error', () => resolve());
    held.listen({ host: '127.0.0.1', port: DEFAULT_PROXY_PORT, exclusive: true }, resolve);
  });
  try {
    const job = newJob('tiny-util==0.3.0\n', { 'key-suffix': 'port', 'proxy-port': '' });
    const main = await job.runMain();
    expect(main.exitCode).toBe(0);
    const port = Number(new URL(main.outputs['proxy-url']).port);
    expect(port).toBeGreaterThan(DEFAULT_PROXY_PORT);
    expect(main.warnings).toEqual([
      expect.stringMatching(
        new RegExp(`Port ${DEFAULT_PROXY_PORT} on 127.0.0.1 is taken: the proxy listens on ${port}`),
      ),
    ]);
    expect(main.outputs['docker-build-args'].split('\n')).toEqual([
      `PIP_INDEX_URL=http://127.0.0.1:${port}/simple/`,
      `PIP_TRUSTED_HOST=127.0.0.1:${port}`,
      `UV_DEFAULT_INDEX=http://127.0.0.1:${port}/simple/`,
      `UV_INSECURE_HOST=127.0.0.1:${port}`,
    ]);
    expect(main.outputs['docker-network']).toBe('host');
    await job.runPost();
  } finally {
    held.close();
  }
});

describe('an index with a token in its path (issue 9, case 10)', () => {
  // Like https://dl.cloudsmith.io/<token>/org/repo/python/simple/, files on the same origin.
  const TOKEN = 'Xq7TokenZ9p2Lm4Vw';
  let tokenPypi: FakePypi;
  let key = '';

  beforeAll(async () => {
    tokenPypi = new FakePypi({ wheels, pathPrefix: `${TOKEN}/org/repo/python` });
    await tokenPypi.start();
  });
  afterAll(() => tokenPypi.stop());

  const tokenJob = () =>
    newJob(lockV1, { 'index-url': tokenPypi.indexUrl, 'key-suffix': 'token', 'restore-fallback': 'false' });

  /** The runner masks what ::add-mask:: names; before that line, and outside it, no token. */
  const expectMasked = (stdout: string, step: 'main' | 'post') => {
    const lines = stdout.split(/\r?\n/);
    const naming = lines.filter((line) => line.includes(TOKEN));
    for (const line of naming) expect(line).toMatch(/^::add-mask::/);
    // The main step masks before it prints anything; the masks hold for the rest of the job.
    if (step === 'main') {
      expect(lines).toContain(`::add-mask::${tokenPypi.indexUrl}`);
      expect(lines).toContain(`::add-mask::${TOKEN}`);
      // Masking a common word would blank it out of every later line.
      for (const word of ['simple', 'python', 'org', 'repo', 'http://127.0.0.1'])
        expect(lines).not.toContain(`::add-mask::${word}`);
    }
  };

  /** Files below `folder` whose bytes hold the token. */
  const holdingToken = (folder: string) =>
    readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name))
      .filter((path) => readFileSync(path).includes(TOKEN));

  test('job 1: installs, and the token is in no log line, argv, output, store file or cache archive', async () => {
    const job = tokenJob();
    const main = await job.runMain();
    expect(main.errors).toEqual([]);
    expect(main.exitCode).toBe(0);
    expectMasked(main.stdout, 'main');
    expect(main.stdout).toMatch(/upstream pypi=http:\/\/127\.0\.0\.1:\d+\/\*\*\*/);
    for (const value of Object.values(main.outputs)) expect(value).not.toContain(TOKEN);
    const { pid } = JSON.parse(main.state.main).proxy as { pid: number };
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).not.toContain(TOKEN);
    key = main.outputs['cache-key'];

    expect((await install(job, 'venv-token-1')).code).toBe(0);
    expect(tokenPypi.counts()).toMatchObject({ files: 3, metadata: 3 });
    const post = await job.runPost();
    expect(post.exitCode).toBe(0);
    expect(post.warnings).toEqual([]);
    expectMasked(post.stdout, 'post');
    expect(post.summary).not.toContain(TOKEN);

    // Everything the job left in RUNNER_TEMP: the store, the daemon's log, access log, manifest.
    expect(holdingToken(temp)).toEqual([]);
    const entry = service.entries().find((candidate) => candidate.key === key);
    expect(entry?.finalized).toBe(true);
    // The archive's paths start with `../` (relative to the workspace): -P keeps them, and a
    // folder one level down receives them.
    const archive = entry?.blobPath ?? '';
    const names = execFileSync('tar', ['-tf', archive], { encoding: 'utf8' });
    expect(names).toContain('proxy-store/pages/pypi/projects/lib-core.json');
    expect(names).not.toContain(TOKEN);
    const unpacked = mkdtempSync(join(root, 'entry-'));
    mkdirSync(join(unpacked, 'workspace'));
    execFileSync('tar', ['-xPf', archive, '-C', join(unpacked, 'workspace')]);
    const page = join(
      unpacked,
      'runner-temp',
      'pypi-cache-action',
      'proxy-store',
      'pages',
      'pypi',
      'projects',
    );
    expect(readFileSync(join(page, 'lib-core.json'), 'utf8')).toContain('"url":"../packages/');
    expect(holdingToken(unpacked)).toEqual([]);
  });

  test('job 2: the entry restored, the token given again, installs are served from the store', async () => {
    const job = tokenJob();
    tokenPypi.resetRequests();
    const main = await job.runMain();
    expect(main.outputs['cache-hit']).toBe('true');
    expectMasked(main.stdout, 'main');
    const installed = await install(job, 'venv-token-2');
    expect(installed.code).toBe(0);
    expect(tokenPypi.requests).toEqual([]);
    expect((await job.runPost()).exitCode).toBe(0);
  });
});
