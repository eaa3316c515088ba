// What the cache-jobs*.test.ts files share: the PyPI stand-in, the cache service stand-in, a
// project folder per test and the jobs' helpers. One file per group of tests so jest's two
// workers run them side by side; each file starts its own stand-ins (milliseconds) and shares
// nothing with the others. The bindings are live: set once useCacheJobs' beforeAll has run.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobEnv } from '../support/cache-job.js';
import { FakeCacheService } from '../support/fake-cache-service.js';
import { FakePypi } from '../support/fake-pypi.js';
import { RunnerJob } from '../support/runner.js';
import { buildWheels } from '../support/wheels.js';

export let root: string;
export let pypi: FakePypi;
export let service: FakeCacheService;
/** Every job of the file, cleaned up after its tests (a test that makes its own RunnerJob adds it). */
export const jobs: RunnerJob[] = [];

/** Starts the stand-ins before the file's tests and removes everything after them. */
export function useCacheJobs(prefix: string): void {
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), prefix));
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
    await Promise.all(jobs.splice(0).map((job) => job.cleanup()));
    await Promise.all([pypi?.stop(), service?.stop()]);
    rmSync(root, { recursive: true, force: true });
  });
}

/**
 * A workspace with a requirements.txt, and the RUNNER_TEMP its jobs share (one runner image):
 * the action's pip cache folder is job-owned, under RUNNER_TEMP.
 * The file names the project, so no two tests share a key through the one cache service.
 */
export function project(name: string, requirements: string): { workspace: string; temp: string } {
  const workspace = join(root, name, 'workspace');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(workspace, 'requirements.txt'), `# ${name}\n${requirements}`);
  return { workspace, temp: join(root, name, 'runner-temp') };
}

/** The pip cache folder the action owns in a job with this RUNNER_TEMP. */
export const jobPipCache = (temp: string) => join(temp, 'pypi-cache-action', 'pip');

export function job(
  workspace: string,
  env: Record<string, string | undefined>,
  inputs: Record<string, string> = {},
  runnerTemp?: string,
  cacheService: FakeCacheService = service,
) {
  const created = new RunnerJob({
    workspace,
    inputs: { installer: 'pip', ...inputs },
    env: jobEnv(cacheService, env),
    runnerTemp,
  });
  jobs.push(created);
  return created;
}

// pip caches HTTP downloads only from https or trusted hosts; the stand-in is plain http.
export const installArgs = (workspace: string) => [
  '-r',
  join(workspace, 'requirements.txt'),
  '--index-url',
  pypi.indexUrl,
  '--trusted-host',
  '127.0.0.1',
];
