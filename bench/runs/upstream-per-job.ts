// Run 1: what one CI job costs upstream, cold and warm, for four set-ups.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FakeCacheService } from '../../__tests__/support/fake-cache-service.js';
import type { FakePypi } from '../../__tests__/support/fake-pypi.js';
import { type BenchContext, pipJob, upstreamTraffic } from '../context.js';
import type { RunReport } from '../report-model.js';
import { runActionJob } from '../support/action-job.js';
import { formatBytes, formatMs } from '../support/stats.js';

export interface JobCost {
  requests: number;
  pages: number;
  metadata: number;
  files: number;
  bytes: number;
  ms: number;
  ok: boolean;
}

export interface SetupCosts {
  setup: string;
  cold: JobCost;
  warm: JobCost;
}

type Job = () => Promise<{ code: number; ms: number }>;

async function measure(pypi: FakePypi, job: Job): Promise<JobCost> {
  pypi.resetRequests();
  const { code, ms } = await job();
  return { ...upstreamTraffic(pypi), ms, ok: code === 0 };
}

async function noCache(ctx: BenchContext, pypi: FakePypi): Promise<SetupCosts> {
  const job = () => pipJob(ctx, { indexUrl: pypi.indexUrl });
  return { setup: 'no cache', cold: await measure(pypi, job), warm: await measure(pypi, job) };
}

/** actions/setup-python `cache: pip`: pip's cache folder saved and restored as is. */
async function pipCacheDir(ctx: BenchContext, pypi: FakePypi): Promise<SetupCosts> {
  const cacheDir = join(await ctx.tempDir('pip-cache-only'), 'pip');
  const job = () => pipJob(ctx, { indexUrl: pypi.indexUrl, cacheDir, trustHost: true });
  const result = {
    setup: 'pip cache dir only',
    cold: await measure(pypi, job),
    warm: await measure(pypi, job),
  };
  await rm(cacheDir, { recursive: true, force: true });
  return result;
}

/**
 * The action under the runner emulation. With the proxy, main starts it and exports
 * PIP_INDEX_URL, so pip gets no index flag.
 */
async function actionJobs(ctx: BenchContext, pypi: FakePypi, proxy: boolean): Promise<SetupCosts> {
  const service = new FakeCacheService();
  await service.start();
  try {
    const dir = await ctx.tempDir(proxy ? 'action-proxy' : 'action-no-proxy');
    const suffix = `run1-${proxy ? 'proxy-' : ''}${Date.now()}`;
    const inputs: Record<string, string> = proxy
      ? { proxy: 'true', 'index-url': pypi.indexUrl, 'key-suffix': suffix }
      : { 'key-suffix': suffix };
    const options = {
      service,
      workspace: join(dir, 'workspace'),
      xdg: join(dir, 'xdg'),
      lockIndex: 0,
      indexUrl: pypi.indexUrl,
      inputs,
      installArgs: proxy ? [] : undefined,
    };
    await mkdir(options.workspace, { recursive: true });
    const job = async () => (await runActionJob(ctx, options)).install;
    return {
      setup: proxy ? 'this action, with proxy' : 'this action, no proxy',
      cold: await measure(pypi, job),
      warm: await measure(pypi, job),
    };
  } finally {
    await service.stop();
  }
}

function row(setup: SetupCosts, phase: 'cold' | 'warm'): (string | number)[] {
  const cost = setup[phase];
  return [
    setup.setup,
    phase,
    cost.requests,
    cost.pages,
    cost.metadata,
    cost.files,
    formatBytes(cost.bytes),
    `${formatMs(cost.ms)}${cost.ok ? '' : ' (pip failed)'}`,
  ];
}

export async function runUpstreamPerJob(ctx: BenchContext): Promise<Omit<RunReport, 'durationMs'>> {
  const pypi = await ctx.startPypi();
  const setups: SetupCosts[] = [];
  try {
    const measureSetups = [
      noCache,
      pipCacheDir,
      (c: BenchContext, p: FakePypi) => actionJobs(c, p, false),
      (c: BenchContext, p: FakePypi) => actionJobs(c, p, true),
    ];
    for (const measureSetup of measureSetups) {
      const result = await measureSetup(ctx, pypi);
      ctx.log(`run 1: ${result.setup}: cold ${result.cold.requests} req, warm ${result.warm.requests} req`);
      setups.push(result);
    }
  } finally {
    await pypi.stop();
  }
  const withProxy = setups[3];
  const wheels = ctx.corpus.wheelsOf(0);
  return {
    id: 'run1',
    title: 'Run 1: upstream requests and bytes per job',
    method: [
      `One job installs lockfile 0 (${wheels.length} pinned packages, ${formatBytes(wheels.reduce((s, w) => s + w.size, 0))} of wheels) with real pip into a fresh venv. Cold: first job, empty caches. Warm: the next job, with whatever the set-up carries over.`,
      "no cache: `pip --no-cache-dir`. pip cache dir only: pip's cache folder kept from job to job (what actions/setup-python `cache: pip` restores), `--trusted-host 127.0.0.1` so pip caches plain-http answers.",
      'this action, no proxy: dist/main.js and dist/post.js under the runner emulation against the cache service stand-in; the cache folder is emptied between jobs, so the warm job gets only what the action restored. with proxy: the same with `proxy: true` and `index-url` set to the stand-in; pip gets no index flag, it takes PIP_INDEX_URL from what the main step exported.',
      'Upstream = every request the PyPI stand-in received during the install step (index pages, PEP 658 .metadata files, wheels) and the body bytes it sent. Counts are deterministic: one round.',
    ],
    tables: [
      {
        columns: [
          'set-up',
          'job',
          'upstream requests',
          'pages',
          '.metadata',
          'wheels',
          'upstream bytes',
          'install time',
        ],
        rows: setups.flatMap((setup) => [row(setup, 'cold'), row(setup, 'warm')]),
      },
    ],
    goals: [
      {
        goal: 'warm with proxy: 0 upstream requests, 0 bytes',
        met: withProxy.warm.requests === 0 && withProxy.warm.bytes === 0,
        detail: `${withProxy.warm.requests} requests, ${formatBytes(withProxy.warm.bytes)}`,
      },
    ],
    notes: [],
    data: { setups },
  };
}
