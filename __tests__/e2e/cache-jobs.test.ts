// End to end: the bundled action (dist/main.js, dist/post.js) under the runner emulation, the
// real @actions/cache against the cache service stand-in, and a real pip installing from the
// PyPI stand-in. Mocked: only what cannot exist here, the runner and the two services.
// This file: three jobs (miss, exact hit, fallback) and ACTIONS_CACHE_MODE. The other groups:
// cache-jobs-service.test.ts, cache-jobs-policies.test.ts (shared set-up: cache-jobs-fixture.ts).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipInstallStep, snapshotFolder } from '../support/cache-job.js';
import { installedPackages } from '../support/pip.js';
import {
  installArgs,
  job,
  jobPipCache,
  project,
  pypi,
  root,
  service,
  useCacheJobs,
} from './cache-jobs-fixture.js';

useCacheJobs('cache-jobs-');

describe('three jobs: miss, exact hit, fallback after a lockfile edit', () => {
  // Jobs on one runner image share the cache path; each job starts with an empty folder.
  const shared = { workspace: '', temp: '' };
  let firstKey = '';
  let savedFiles: Record<string, string> = {};

  beforeAll(() => Object.assign(shared, project('three-jobs', 'app==1.0.0\n')));
  const pipCache = () => jobPipCache(shared.temp);

  test('job 1 misses, pip fills the cache, post saves it under the key', async () => {
    const first = job(shared.workspace, {}, {}, shared.temp);
    const main = await first.runMain();
    expect(main.exitCode).toBe(0);
    expect(main.outputs['cache-hit']).toBe('false');
    expect(main.outputs['cache-matched-key']).toBe('');
    expect(main.outputs['pip-cache-dir']).toBe(pipCache());
    expect(main.exportedEnv.PIP_CACHE_DIR).toBe(pipCache());
    firstKey = main.outputs['cache-key'];
    expect(firstKey).toMatch(/^pypi-cache-v1-linux-x64-py\d+\.\d+-pip-[0-9a-f]{64}~g1$/);

    const install = await pipInstallStep(first, join(root, 'venv-1'), installArgs(shared.workspace));
    expect(install.code).toBe(0);
    expect(pypi.counts().files).toBe(3);

    const post = await first.runPost();
    expect(post.exitCode).toBe(0);
    expect(post.warnings).toEqual([]);
    expect(service.entries().map((entry) => entry.key)).toEqual([firstKey]);
    expect(post.summary).toContain(firstKey);
    expect(post.summary).toMatch(/<td>Result<\/td><td>miss<\/td>/);
    expect(post.summary).toMatch(/<td>Saved<\/td><td>saved: [\d.]+ [KM]B in \d+ ms<\/td>/);
    savedFiles = snapshotFolder(pipCache());
    expect(Object.keys(savedFiles).length).toBeGreaterThan(0);
  });

  test('job 2 on an emptied cache folder gets an exact hit, the same files, and saves nothing', async () => {
    const second = job(shared.workspace, {}, {}, shared.temp);
    const main = await second.runMain();
    expect(main.exitCode).toBe(0);
    expect(main.outputs['cache-hit']).toBe('true');
    expect(main.outputs['cache-matched-key']).toBe(firstKey);
    expect(snapshotFolder(pipCache())).toEqual(savedFiles);

    pypi.resetRequests();
    const install = await pipInstallStep(second, join(root, 'venv-2'), installArgs(shared.workspace));
    expect(install.code).toBe(0);
    expect(await installedPackages(join(root, 'venv-2', 'bin', 'python'))).toMatchObject({
      app: '1.0.0',
      'lib-core': '1.0.0',
      'tiny-util': '0.3.0',
    });
    // Every wheel came from the restored pip cache.
    expect(pypi.counts().files).toBe(0);

    const entriesBefore = service.entries().length;
    const post = await second.runPost();
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain('skipped: exact hit');
    expect(service.entries().length).toBe(entriesBefore);
  });

  test('job 3 after a lockfile edit restores the fallback entry and saves a new key', async () => {
    writeFileSync(join(shared.workspace, 'requirements.txt'), '# three-jobs\napp==1.1.0\n');
    const third = job(shared.workspace, {}, {}, shared.temp);
    const main = await third.runMain();
    expect(main.exitCode).toBe(0);
    expect(main.outputs['cache-hit']).toBe('false');
    expect(main.outputs['cache-matched-key']).toBe(firstKey);
    const newKey = main.outputs['cache-key'];
    expect(newKey).not.toBe(firstKey);
    expect(snapshotFolder(pipCache())).toEqual(savedFiles);

    pypi.resetRequests();
    const install = await pipInstallStep(third, join(root, 'venv-3'), installArgs(shared.workspace));
    expect(install.code).toBe(0);
    // Only the bumped package is downloaded; its dependencies come from the fallback entry.
    expect(
      pypi.requests.filter((r) => r.origin === 'files' && r.path.endsWith('.whl')).map((r) => r.path),
    ).toEqual([expect.stringMatching(/app-1\.1\.0-py3-none-any\.whl$/)]);

    const post = await third.runPost();
    expect(post.exitCode).toBe(0);
    expect(post.summary).toMatch(/fallback hit/);
    expect(service.entries().map((entry) => entry.key)).toEqual(expect.arrayContaining([firstKey, newKey]));
  });
});

describe('ACTIONS_CACHE_MODE, as the runner sets it (issue 9, case 9)', () => {
  const shared = { workspace: '', temp: '' };
  let savedKey = '';
  beforeAll(() => Object.assign(shared, project('cache-mode', 'tiny-util==0.3.0\n')));
  const modeJob = (mode: string, inputs: Record<string, string> = {}) =>
    job(shared.workspace, { ACTIONS_CACHE_MODE: mode }, inputs, shared.temp);
  const modeLines = (stdout: string) =>
    stdout.split('\n').filter((line) => line.includes('ACTIONS_CACHE_MODE'));

  test('write-only restores nothing and saves what the job made', async () => {
    const writeOnly = modeJob('write-only');
    const main = await writeOnly.runMain();
    expect(main.exitCode).toBe(0);
    expect(modeLines(main.stdout)).toEqual([
      "Not restoring: ACTIONS_CACHE_MODE is 'write-only', so this job may not read caches.",
    ]);
    writeFileSync(join(jobPipCache(shared.temp), 'marker'), 'made by the job');
    const post = await writeOnly.runPost();
    expect(post.stdout).toContain(': saved.');
    savedKey = main.outputs['cache-key'];
    expect(service.entries().map((entry) => entry.key)).toContain(savedKey);
  });

  test('read restores, then skips prune and save with one info line', async () => {
    // A lockfile edit: without the mode, this job would prune and save a new key.
    writeFileSync(join(shared.workspace, 'requirements.txt'), '# cache-mode\ntiny-util==0.3.0\n# edited\n');
    const read = modeJob('read', { prune: 'true' });
    const main = await read.runMain();
    expect(main.outputs['cache-matched-key']).toBe(savedKey);
    expect(modeLines(main.stdout)).toEqual([]);
    const downloaded = join(jobPipCache(shared.temp), 'http-v2', 'response');
    mkdirSync(join(downloaded, '..'), { recursive: true });
    writeFileSync(downloaded, 'x');
    const entries = service.entries().length;
    const post = await read.runPost();
    expect(post.exitCode).toBe(0);
    expect(post.warnings).toEqual([]);
    expect(modeLines(post.stdout)).toEqual([
      expect.stringMatching(/skipped: ACTIONS_CACHE_MODE is 'read', so this job may not save caches\.$/),
    ]);
    expect(post.stdout).not.toContain('Pruned');
    expect(snapshotFolder(jobPipCache(shared.temp))).toHaveProperty(join('http-v2', 'response'));
    expect(service.entries()).toHaveLength(entries);
  });

  test('none skips the restore too', async () => {
    const none = modeJob('none');
    const main = await none.runMain();
    expect(main.outputs['cache-matched-key']).toBe('');
    expect(modeLines(main.stdout)).toEqual([
      "Not restoring: ACTIONS_CACHE_MODE is 'none', so this job may not read caches.",
    ]);
    writeFileSync(join(jobPipCache(shared.temp), 'marker'), 'x');
    const entries = service.entries().length;
    const post = await none.runPost();
    expect(modeLines(post.stdout)).toEqual([expect.stringMatching(/skipped: ACTIONS_CACHE_MODE is 'none'/)]);
    expect(service.entries()).toHaveLength(entries);
  });

  test('an unknown value is a warning naming the variable, the value and what is accepted', async () => {
    const unknown = modeJob('readonly');
    const main = await unknown.runMain();
    expect(main.exitCode).toBe(0);
    expect(main.warnings).toEqual([
      "ACTIONS_CACHE_MODE is 'readonly', which is not one of: none, read, write, write-only. Restoring and saving as if it were unset, as @actions/cache does.",
    ]);
    // Permissive, as @actions/cache is: the entry of the edited lockfile's fallback is restored.
    expect(main.outputs['cache-matched-key']).toBe(savedKey);
  });
});
