// End to end with `proxy: true`: the bundled action under the runner emulation, the real
// @actions/cache against the cache service stand-in, the proxy daemon it starts, and a real pip
// that finds the proxy only through the environment the main step exported.
// This file: entries that cannot serve their key, and an index with a token in its path.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipInstallStep } from '../support/cache-job.js';
import { FakePypi } from '../support/fake-pypi.js';
import {
  install,
  lockV1,
  newJob,
  pypi,
  root,
  service,
  temp,
  useProxyJobs,
  wheels,
} from './proxy-jobs-fixture.js';

useProxyJobs('proxy-jobs-repair-');

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
