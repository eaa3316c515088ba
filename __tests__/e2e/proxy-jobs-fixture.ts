// What the proxy-jobs*.test.ts files share: the PyPI stand-in with three wheels (and a later
// lib-core), the cache service stand-in, one runner image (a workspace and the RUNNER_TEMP every
// job gets, emptied before each), and the helpers their jobs use. One file per group of jobs so
// jest's two workers run them side by side; each file starts its own stand-ins (servers and
// hand-built wheels cost milliseconds) and shares nothing with the others.
// The bindings are live: they are set when useProxyJobs' beforeAll has run.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobEnv, pipInstallStep } from '../support/cache-job.js';
import { FakeCacheService } from '../support/fake-cache-service.js';
import { FakePypi } from '../support/fake-pypi.js';
import { RunnerJob } from '../support/runner.js';
import { type BuiltWheel, buildWheels } from '../support/wheels.js';

export let root: string;
export let pypi: FakePypi;
export let service: FakeCacheService;
export let wheels: BuiltWheel[];
export let bumped: BuiltWheel;
export let workspace: string;
export let temp: string;
const jobs: RunnerJob[] = [];

export const lockV1 = 'app==1.0.0\nlib-core==1.0.0\ntiny-util==0.3.0\n';
export const lockV2 = 'app==1.0.0\nlib-core==1.1.0\ntiny-util==0.3.0\n';

/** Starts the stand-ins before the file's tests and removes everything after them. */
export function useProxyJobs(prefix: string): void {
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), prefix));
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
    await Promise.all(jobs.splice(0).map((job) => job.cleanup()));
    await Promise.all([pypi?.stop(), service?.stop()]);
    rmSync(root, { recursive: true, force: true });
  });
}

export function newJob(
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

export const storeFiles = () => {
  const dir = join(temp, 'pypi-cache-action', 'proxy-store', 'files', 'sha256');
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort();
};
export const wheel = (filename: string) =>
  [...wheels, bumped].find((w) => w.filename === filename) as BuiltWheel;
export const install = (job: RunnerJob, venv: string) =>
  pipInstallStep(job, join(root, venv), ['-r', join(workspace, 'requirements.txt')]);
