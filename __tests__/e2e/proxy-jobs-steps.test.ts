// End to end with `proxy: true`: the bundled action under the runner emulation, the real
// @actions/cache against the cache service stand-in, the proxy daemon it starts, and a real pip
// that finds the proxy only through the environment the main step exported.
// This file: the job's own folders, a proxy that dies or cannot start, uv.lock, extra indexes
// and the default port.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { delimiter, isAbsolute, join } from 'node:path';
import { DEFAULT_PROXY_PORT } from '../../src/action/proxy-port.js';
import { pipInstallStep, snapshotFolder } from '../support/cache-job.js';
import { BASE_PYTHON_DIR } from '../support/pip.js';
import type { BuiltWheel } from '../support/wheels.js';
import {
  newJob,
  pypi,
  root,
  storeFiles,
  temp,
  useProxyJobs,
  wheels,
  workspace,
} from './proxy-jobs-fixture.js';

useProxyJobs('proxy-jobs-steps-');

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
  /** A job of this user's: their HOME (no XDG_CACHE_HOME), the uv stand-in on PATH, then `env`. */
  const userJob = (key: string, env: Record<string, string> = {}) =>
    newJob(
      'tiny-util==0.3.0\n',
      { installer: 'auto', 'key-suffix': key },
      { HOME: home, XDG_CACHE_HOME: undefined, PATH: path, ...env },
    );

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
    // The real interpreter next, as jobEnv puts it (this PATH replaces jobEnv's): pyenv's shim
    // would cost the main step's python3 two bash start-ups.
    path = [bin, ...(isAbsolute(BASE_PYTHON_DIR) ? [BASE_PYTHON_DIR] : []), process.env.PATH].join(delimiter);
  });

  test("without PIP_CACHE_DIR or UV_CACHE_DIR: folders under RUNNER_TEMP, the user's and the CLI's untouched", async () => {
    const before = userFiles();
    const job = userJob('owned');
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
    const job = userJob('named', { PIP_CACHE_DIR: pipDir, UV_CACHE_DIR: uvDir });
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

test('a proxy-port another process holds fails the main step naming the input, the port and the fix', async () => {
  const busy: Server = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  const port = (busy.address() as { port: number }).port;
  try {
    const job = newJob('tiny-util==0.3.0\n', { 'key-suffix': 'busy', 'proxy-port': String(port) });
    const main = await job.runMain();
    expect(main.exitCode).toBe(1);
    expect(main.errors).toEqual([
      `Input 'proxy-port': port ${port} on 127.0.0.1 is in use by another process; leave proxy-port empty (the first free port from ${DEFAULT_PROXY_PORT}) or choose a free one.`,
    ]);
  } finally {
    busy.close();
  }
});

/**
 * Listens on `port` until it is ours. The e2e files running beside this one start daemons on the
 * default port and let it go at their post step: a port held by one of them when this test looks
 * is free again by the time its job starts. One held for all of 30 s belongs to something else
 * on this machine that keeps it: the same case for the job.
 */
async function holdPort(port: number): Promise<Server> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const server: Server = createServer();
    const listening = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve(true));
    });
    if (listening || Date.now() > deadline) return server;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('the default port taken: the next one, a warning, and docker build arguments for that port', async () => {
  const held = await holdPort(DEFAULT_PROXY_PORT);
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
