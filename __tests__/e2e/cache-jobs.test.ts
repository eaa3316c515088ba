// End to end: the bundled action (dist/main.js, dist/post.js) under the runner emulation, the
// real @actions/cache against the cache service stand-in, and a real pip installing from the
// PyPI stand-in. Mocked: only what cannot exist here, the runner and the two services.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobEnv, pipInstallStep, snapshotFolder } from '../support/cache-job.js';
import { FakeCacheService } from '../support/fake-cache-service.js';
import { FakePypi } from '../support/fake-pypi.js';
import { installedPackages } from '../support/pip.js';
import { RunnerJob } from '../support/runner.js';
import { buildWheels } from '../support/wheels.js';

let root: string;
let pypi: FakePypi;
let service: FakeCacheService;
const jobs: RunnerJob[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'cache-jobs-'));
  const wheels = await buildWheels(join(root, 'wheels'), [
    { name: 'app', version: '1.0.0', dependencies: ['lib-core>=1.0', 'tiny-util'] },
    { name: 'app', version: '1.1.0', dependencies: ['lib-core>=1.0', 'tiny-util'] },
    { name: 'lib-core', version: '1.0.0', payloadBytes: 200_000 },
    { name: 'tiny-util', version: '0.3.0' },
  ]);
  pypi = new FakePypi({ wheels });
  service = new FakeCacheService();
  await Promise.all([pypi.start(), service.start()]);
});

afterAll(async () => {
  await Promise.all(jobs.map((job) => job.cleanup()));
  await Promise.all([pypi?.stop(), service?.stop()]);
  rmSync(root, { recursive: true, force: true });
});

/**
 * A workspace with a requirements.txt, and the RUNNER_TEMP its jobs share (one runner image):
 * the action's pip cache folder is job-owned, under RUNNER_TEMP.
 * The file names the project, so no two tests share a key through the one cache service.
 */
function project(name: string, requirements: string): { workspace: string; temp: string } {
  const workspace = join(root, name, 'workspace');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(workspace, 'requirements.txt'), `# ${name}\n${requirements}`);
  return { workspace, temp: join(root, name, 'runner-temp') };
}

/** The pip cache folder the action owns in a job with this RUNNER_TEMP. */
const jobPipCache = (temp: string) => join(temp, 'pypi-cache-action', 'pip');

function job(
  workspace: string,
  env: Record<string, string | undefined>,
  inputs: Record<string, string> = {},
  runnerTemp?: string,
) {
  const created = new RunnerJob({
    workspace,
    inputs: { installer: 'pip', ...inputs },
    env: jobEnv(service, env),
    runnerTemp,
  });
  jobs.push(created);
  return created;
}

// pip caches HTTP downloads only from https or trusted hosts; the stand-in is plain http.
const installArgs = (workspace: string) => [
  '-r',
  join(workspace, 'requirements.txt'),
  '--index-url',
  pypi.indexUrl,
  '--trusted-host',
  '127.0.0.1',
];

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

describe('save policies and backends', () => {
  test("save: default-branch does not save on a pull request's ref", async () => {
    const { workspace, temp } = project('pull-request', 'tiny-util==0.3.0\n');
    const pr = new RunnerJob({
      workspace,
      inputs: { installer: 'pip', save: 'default-branch' },
      env: jobEnv(service),
      runnerTemp: temp,
      ref: 'refs/pull/7/merge',
      eventName: 'pull_request',
    });
    jobs.push(pr);
    const main = await pr.runMain();
    writeFileSync(join(jobPipCache(temp), 'marker'), 'x');
    const post = await pr.runPost();
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain(
      "skipped: 'save: default-branch' and refs/pull/7/merge is not refs/heads/main",
    );
    expect(service.entries().map((entry) => entry.key)).not.toContain(main.outputs['cache-key']);
  });

  test('an empty cache folder is not saved', async () => {
    const { workspace, temp } = project('empty', 'tiny-util==0.3.0\n');
    const empty = job(workspace, {}, {}, temp);
    const main = await empty.runMain();
    const post = await empty.runPost();
    expect(post.stdout).toContain('skipped: the cache folders are empty');
    expect(service.entries().map((entry) => entry.key)).not.toContain(main.outputs['cache-key']);
  });

  test('the local backend saves and restores without any cache service', async () => {
    const { workspace, temp } = project('local', 'tiny-util==0.3.0\n');
    const localDir = join(root, 'local-backend');
    const inputs = { 'cache-backend': 'local', 'local-cache-dir': localDir };
    const env = { ...jobEnv(undefined) };
    const first = new RunnerJob({
      workspace,
      inputs: { installer: 'pip', ...inputs },
      env,
      runnerTemp: temp,
    });
    jobs.push(first);
    expect((await first.runMain()).outputs['cache-hit']).toBe('false');
    expect((await pipInstallStep(first, join(root, 'venv-local'), installArgs(workspace))).code).toBe(0);
    expect((await first.runPost()).stdout).toContain(': saved.');
    const saved = snapshotFolder(jobPipCache(temp));
    const second = new RunnerJob({
      workspace,
      inputs: { installer: 'pip', ...inputs },
      env,
      runnerTemp: temp,
    });
    jobs.push(second);
    const secondMain = await second.runMain();
    expect(secondMain.outputs['cache-hit']).toBe('true');
    expect(snapshotFolder(jobPipCache(temp))).toEqual(saved);
    await second.runPost();

    // Branch scope on the shared folder (issue 9, case 8). A pull request into main reads
    // main's entry; what it saves (its own lockfile, under its merge ref) main never reads.
    const onRef = (ref: string, eventPayload: object) => {
      const created = new RunnerJob({
        workspace,
        inputs: { installer: 'pip', ...inputs },
        env,
        runnerTemp: temp,
        ref,
        eventName: ref.startsWith('refs/pull/') ? 'pull_request' : 'push',
        eventPayload,
      });
      jobs.push(created);
      return created;
    };
    const repository = { default_branch: 'main' };
    writeFileSync(
      join(workspace, 'requirements.txt'),
      '# local\ntiny-util==0.3.0\n# bumped on the pull request\n',
    );
    const pr = onRef('refs/pull/7/merge', {
      repository,
      pull_request: { base: { ref: 'main' }, head: { ref: 'bump' } },
    });
    const prMain = await pr.runMain();
    expect(prMain.stdout).toContain(
      'Local cache scope: entries saved on refs/pull/7/merge, then refs/heads/main; a save goes to refs/pull/7/merge.',
    );
    expect(prMain.outputs['cache-matched-key']).toBe(secondMain.outputs['cache-matched-key']);
    writeFileSync(join(jobPipCache(temp), 'from-the-pull-request'), 'x');
    expect((await pr.runPost()).stdout).toContain(': saved.');

    const mainAfter = await onRef('refs/heads/main', { repository }).runMain();
    // Not the pull request's exact entry: main's own older one, as a fallback.
    expect(mainAfter.outputs['cache-hit']).toBe('false');
    expect(mainAfter.outputs['cache-matched-key']).toBe(secondMain.outputs['cache-matched-key']);
    expect(snapshotFolder(jobPipCache(temp))).toEqual(saved);
  });

  test('no dependency file: a warning that the key never changes, not a failure', async () => {
    const workspace = join(root, 'no-lockfile');
    mkdirSync(workspace, { recursive: true });
    const bare = job(workspace, {});
    const main = await bare.runMain();
    expect(main.exitCode).toBe(0);
    expect(main.warnings).toEqual([
      expect.stringMatching(/No dependency files match 'dependency-files'.*never change/),
    ]);
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

describe('invalid inputs fail the main step with a message naming the input', () => {
  test.each([
    [{ installer: 'poetry' }, "Input 'installer': 'poetry' is not one of: auto, pip, uv."],
    [{ save: 'sometimes' }, "Input 'save': 'sometimes' is not one of: true, false, default-branch."],
    [{ prune: 'yes' }, "Input 'prune': 'yes' is not one of: auto, true, false."],
    [{ 'cache-backend': 'redis' }, "Input 'cache-backend': 'redis' is not one of: auto, actions, local."],
    [{ 'restore-fallback': 'maybe' }, "Input 'restore-fallback': 'maybe' is not one of: true, false."],
    [
      { 'dependency-files': 'requirements[.txt' },
      "Input 'dependency-files': 'requirements[.txt' is not a valid glob",
    ],
    [{ 'python-version': 'three' }, "Input 'python-version': 'three' is not a Python version"],
    [{ 'key-prefix': 'a,b' }, "Input 'key-prefix': 'a,b' may only contain"],
  ])('%j', async (inputs, message) => {
    const workspace = join(root, 'invalid');
    mkdirSync(workspace, { recursive: true });
    const bad = job(workspace, {}, inputs);
    const main = await bad.runMain();
    expect(main.exitCode).toBe(1);
    expect(main.errors).toEqual([expect.stringContaining(message)]);
    expect(main.outputs).toEqual({});
  });
});
