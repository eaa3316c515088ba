// End to end with `proxy: true`: the bundled action under the runner emulation, the real
// @actions/cache against the cache service stand-in, the proxy daemon it starts, and a real pip
// that finds the proxy only through the environment the main step exported.
// This file: a job sequence through the proxy (miss, hit, bump, PyPI down) and the wheelhouse.
// The other groups: proxy-jobs-repair.test.ts, proxy-jobs-steps.test.ts (shared set-up:
// proxy-jobs-fixture.ts).

import { join } from 'node:path';
import { pipInstallStep, snapshotFolder } from '../support/cache-job.js';
import { installedPackages } from '../support/pip.js';
import {
  bumped,
  install,
  lockV1,
  lockV2,
  newJob,
  pypi,
  root,
  service,
  storeFiles,
  temp,
  useProxyJobs,
  wheel,
  workspace,
} from './proxy-jobs-fixture.js';

useProxyJobs('proxy-jobs-');

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
