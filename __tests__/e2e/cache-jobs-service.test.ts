// End to end: the bundled action (dist/main.js, dist/post.js) under the runner emulation, the
// real @actions/cache against the cache service stand-in, and a real pip installing from the
// PyPI stand-in. Mocked: only what cannot exist here, the runner and the two services.
// This file: the cache service racing, down, erroring, slow and hung.

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pipInstallStep } from '../support/cache-job.js';
import { FakeCacheService } from '../support/fake-cache-service.js';
import { installArgs, job, jobPipCache, project, root, service, useCacheJobs } from './cache-jobs-fixture.js';

const BLOB_HOST_LOOPBACK = fileURLToPath(new URL('../support/blob-host-loopback.cjs', import.meta.url));

useCacheJobs('cache-jobs-service-');

test('two jobs saving the same key at once: one saves, the other logs one info line, both green', async () => {
  const { workspace } = project('race', 'tiny-util==0.3.0\n');
  // Matrix jobs on twin runners: the same cache path, so the same entry version.
  const cacheDir = join(root, 'race', 'shared-pip');
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(join(cacheDir, 'marker'), 'x');
  const raced = [
    job(workspace, { PIP_CACHE_DIR: cacheDir }, { 'key-suffix': 'race' }),
    job(workspace, { PIP_CACHE_DIR: cacheDir }, { 'key-suffix': 'race' }),
  ];
  const mains = await Promise.all(raced.map((j) => j.runMain()));
  expect(mains.map((m) => m.outputs['cache-hit'])).toEqual(['false', 'false']);
  const posts = await Promise.all(raced.map((j) => j.runPost()));
  for (const post of posts) {
    expect(post.exitCode).toBe(0);
    expect(post.warnings).toEqual([]);
    expect(post.errors).toEqual([]);
  }
  const key = mains[0].outputs['cache-key'];
  expect(service.entries().filter((entry) => entry.key === key)).toHaveLength(1);
  const losers = posts.filter((post) => /another job may be creating this cache/.test(post.stdout));
  expect(losers).toHaveLength(1);
});

test('the cache service down: a warning in main and post, the job stays green', async () => {
  const { workspace, temp } = project('service-down', 'tiny-util==0.3.0\n');
  service.setMode('down');
  try {
    const down = job(workspace, {}, {}, temp);
    const main = await down.runMain();
    expect(main.exitCode).toBe(0);
    expect(main.outputs['cache-hit']).toBe('false');
    expect(main.warnings).toEqual([
      expect.stringMatching(/^Cache not restored: the cache service did not answer/),
    ]);
    expect(main.stdout).not.toContain('a new entry is saved after the job');
    expect(main.stdout).toContain('the post step saves only if the cache service answers then');
    const install = await pipInstallStep(down, join(root, 'venv-down'), installArgs(workspace));
    expect(install.code).toBe(0);
    const post = await down.runPost();
    expect(post.exitCode).toBe(0);
    expect(post.warnings).toEqual([
      expect.stringMatching(/^Cache not saved: the cache service did not answer/),
    ]);
  } finally {
    service.setMode('up');
  }
});

test('the cache service erroring with 500: warnings, no long retries, the job stays green', async () => {
  const { workspace, temp } = project('service-500', 'tiny-util==0.3.0\n');
  service.setMode('error-500');
  try {
    const erroring = job(workspace, {}, {}, temp);
    const main = await erroring.runMain();
    expect(main.exitCode).toBe(0);
    expect(main.warnings).toEqual([expect.stringMatching(/answered HTTP 500/)]);
    // Without the probe, @actions/cache retries 500s for ~28 s.
    expect(main.durationMs).toBeLessThan(20_000);
    writeFileSync(join(jobPipCache(temp), 'marker'), 'x');
    const post = await erroring.runPost();
    expect(post.exitCode).toBe(0);
    expect(post.warnings).toEqual([expect.stringMatching(/^Cache not saved: .*HTTP 500/)]);
  } finally {
    service.setMode('up');
  }
});

test('a slow cache service still restores and saves; one that hangs is given up after the probe', async () => {
  const { workspace, temp } = project('service-slow', 'tiny-util==0.3.0\n');
  const seeded = job(workspace, {}, {}, temp);
  await seeded.runMain();
  writeFileSync(join(jobPipCache(temp), 'marker'), 'cached');
  expect((await seeded.runPost()).stdout).toContain(': saved.');

  try {
    service.setMode('slow', { slowDelayMs: 500 });
    const slow = job(workspace, {}, {}, temp);
    const main = await slow.runMain();
    expect(main.warnings).toEqual([]);
    expect(main.outputs['cache-hit']).toBe('true');
    service.setMode('slow', { slowDelayMs: 60_000 });
    // The probe's 10 s, shortened for the test (a test-only variable; 500 ms above still passes).
    const hung = job(workspace, { PYPI_CACHE_ACTION_TEST_PROBE_TIMEOUT_MS: '2000' }, {}, temp);
    const stuck = await hung.runMain();
    expect(stuck.exitCode).toBe(0);
    expect(stuck.outputs['cache-hit']).toBe('false');
    expect(stuck.warnings).toEqual([
      expect.stringMatching(/^Cache not restored: the cache service did not answer/),
    ]);
    expect(stuck.durationMs).toBeLessThan(30_000);
  } finally {
    service.setMode('up');
  }
});

test("on a hosted runner's blob host the bundle moves archives with the Azure SDK: post uploads, the next main downloads in ranges", async () => {
  // The SDK's code loads only when an archive moves (scripts/build.mjs, lazyBlobClients): this is
  // the path every hosted job takes, through dist/ as the runner runs it.
  const blobService = new FakeCacheService({ blobHost: 'fakecache.blob.core.windows.net' });
  await blobService.start();
  try {
    const { workspace, temp } = project('azure-sdk', 'tiny-util==0.3.0\n');
    const env = { NODE_OPTIONS: `--require ${BLOB_HOST_LOOPBACK}` };
    const azureJob = () => job(workspace, env, {}, temp, blobService);
    const first = azureJob();
    expect((await first.runMain()).outputs['cache-hit']).toBe('false');
    writeFileSync(join(jobPipCache(temp), 'marker'), 'cached');
    const post = await first.runPost();
    expect(post.warnings).toEqual([]);
    expect(post.stdout).toContain(': saved.');
    rmSync(jobPipCache(temp), { recursive: true, force: true });

    const main = await azureJob().runMain();
    expect(main.warnings).toEqual([]);
    expect(main.outputs['cache-hit']).toBe('true');
    expect(readFileSync(join(jobPipCache(temp), 'marker'), 'utf8')).toBe('cached');
    const calls = blobService.calls.map((call) => `${call.method} ${call.path} ${call.status}`);
    expect(calls.filter((call) => call.startsWith('PUT /blob/'))).toEqual(['PUT /blob/cache/1 201']);
    expect(calls).toContain('HEAD /blob/cache/1 200');
    expect(calls.filter((call) => call === 'GET /blob/cache/1 206').length).toBeGreaterThan(0);
    // @actions/cache's plain HTTP client also reads in ranges: the SDK is told by its x-ms-version.
    const blobCalls = blobService.calls.filter((call) => call.path.startsWith('/blob/'));
    expect(blobCalls.filter((call) => !call.azureSdk)).toEqual([]);
  } finally {
    await blobService.stop();
  }
});
