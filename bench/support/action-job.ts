// One CI job of the action as the runner runs it: dist/main.js, a `pip install` step with the
// env the job's steps see, dist/post.js; against the cache service stand-in.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { jobEnv } from '../../__tests__/support/cache-job.js';
import type { FakeCacheService } from '../../__tests__/support/fake-cache-service.js';
import { createVenv, pipInstall } from '../../__tests__/support/pip.js';
import { RunnerJob, type StepResult } from '../../__tests__/support/runner.js';
import type { BenchContext } from '../context.js';

export interface ActionJobResult {
  main: StepResult;
  post: StepResult;
  install: { code: number; ms: number; stderr: string };
}

/**
 * Runs main, the install step and post in a workspace whose requirements.txt is lockfile
 * `lockIndex`. `xdg` is the job's XDG_CACHE_HOME (emptied first: a fresh runner).
 */
export async function runActionJob(
  ctx: BenchContext,
  options: {
    service: FakeCacheService;
    workspace: string;
    xdg: string;
    lockIndex: number;
    indexUrl: string;
    inputs?: Record<string, string>;
    /** Install arguments beyond -r; default: --index-url <indexUrl> --trusted-host 127.0.0.1. */
    installArgs?: string[];
  },
): Promise<ActionJobResult> {
  await rm(options.xdg, { recursive: true, force: true });
  await mkdir(options.workspace, { recursive: true });
  await writeFile(join(options.workspace, 'requirements.txt'), ctx.corpus.lockfiles[options.lockIndex]);
  const job = new RunnerJob({
    workspace: options.workspace,
    inputs: { installer: 'pip', ...options.inputs },
    env: jobEnv(options.service, { XDG_CACHE_HOME: options.xdg }),
    // One RUNNER_TEMP path for every job of a workspace, emptied each job, as on a runner image:
    // the job-owned cache folders live under it, and their paths are part of the cache version,
    // so a fresh path per job made every warm job miss.
    runnerTemp: join(dirname(options.workspace), 'runner-temp'),
  });
  try {
    const main = await job.runMain();
    if (main.exitCode !== 0) throw new Error(`main step failed: ${main.stdout}\n${main.stderr}`);
    const venv = await ctx.tempDir('action-venv');
    const python = await createVenv(join(venv, 'venv'));
    const args = options.installArgs ?? ['--index-url', options.indexUrl, '--trusted-host', '127.0.0.1'];
    const started = performance.now();
    const result = await pipInstall({
      python,
      args: [...args, '-r', join(options.workspace, 'requirements.txt')],
      env: job.stepEnv(),
    });
    const install = { code: result.code, ms: performance.now() - started, stderr: result.stderr };
    await rm(venv, { recursive: true, force: true });
    const post = await job.runPost();
    return { main, post, install };
  } finally {
    await job.cleanup();
  }
}
