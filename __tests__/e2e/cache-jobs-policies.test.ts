// End to end: the bundled action (dist/main.js, dist/post.js) under the runner emulation, the
// real @actions/cache against the cache service stand-in, and a real pip installing from the
// PyPI stand-in. Mocked: only what cannot exist here, the runner and the two services.
// This file: save policies, the local backend, no dependency file, invalid inputs.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jobEnv, pipInstallStep, snapshotFolder } from '../support/cache-job.js';
import { RunnerJob } from '../support/runner.js';
import {
  installArgs,
  job,
  jobPipCache,
  jobs,
  project,
  root,
  service,
  useCacheJobs,
} from './cache-jobs-fixture.js';

useCacheJobs('cache-jobs-policies-');

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
