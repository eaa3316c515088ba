// Run 2: warm install wall time against the physical limit, pip installing from a local folder,
// with pip 26 (pip-version.ts); `pip download` beside `pip install` (download has no unpacking,
// so it shows what the server costs pip).
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FakePypi } from '../../__tests__/support/fake-pypi.js';
import type { IndexPolicy } from '../../src/proxy/index.js';
import { type BenchContext, pipJob, pipJobThroughProxy, upstreamTraffic } from '../context.js';
import type { RunReport } from '../report-model.js';
import { ensureNginx, startNginx } from '../support/nginx.js';
import { type BenchPip, benchPip } from '../support/pip-version.js';
import { formatMs, formatRatio, median, ratio } from '../support/stats.js';

type Command = 'install' | 'download';
type Job = (command: Command) => Promise<{ code: number; ms: number }>;

interface Variant {
  name: string;
  times: number[];
  downloadTimes: number[];
  upstreamRequests: number;
  failures: number;
}

/** Rounds of install and download, interleaved so that drift touches both alike. */
async function roundsOf(ctx: BenchContext, pypi: FakePypi, name: string, job: Job): Promise<Variant> {
  const variant: Variant = { name, times: [], downloadTimes: [], upstreamRequests: 0, failures: 0 };
  for (let round = 0; round < ctx.rounds + 2; round++) {
    for (const command of ['install', 'download'] as const) {
      pypi.resetRequests();
      const { code, ms } = await job(command);
      (command === 'install' ? variant.times : variant.downloadTimes).push(ms);
      if (command === 'install') variant.upstreamRequests = upstreamTraffic(pypi).requests;
      if (code !== 0) variant.failures++;
    }
  }
  ctx.log(
    `run 2: ${name}: install ${formatMs(median(variant.times))}, download ${formatMs(median(variant.downloadTimes))}`,
  );
  return variant;
}

/** A new proxy process per job on the same warm store, as each CI job starts its own. */
function proxyJob(ctx: BenchContext, pypi: FakePypi, store: string, policy: IndexPolicy, pip: BenchPip): Job {
  return (command) =>
    pipJobThroughProxy(ctx, { store, upstreamIndexUrl: pypi.indexUrl, policy, command, pip });
}

/** nginx proxy_cache on a warm cache, a new process per job: what any index costs pip. */
function nginxJob(ctx: BenchContext, pypi: FakePypi, binary: string, dir: string, pip: BenchPip): Job {
  return async (command) => {
    const nginx = await startNginx(binary, {
      dir,
      indexOrigin: new URL(pypi.indexUrl).origin,
      filesOrigin: pypi.filesOrigin,
      cacheLock: true,
    });
    try {
      return await pipJob(ctx, { indexUrl: nginx.indexUrl, command, pip });
    } finally {
      await nginx.stop();
    }
  };
}

export async function runWarmInstall(ctx: BenchContext): Promise<Omit<RunReport, 'durationMs'>> {
  const nginxBinary = await ensureNginx(ctx.log);
  const pip = await benchPip(ctx.root, ctx.log);
  const pypi = await ctx.startPypi();
  const dir = await ctx.tempDir('warm-install');
  const store = join(dir, 'store');
  const pipCache = join(dir, 'pip-cache');
  const variants: Variant[] = [];
  try {
    // Warm up: fill the proxy store and pip's cache once (not timed).
    await proxyJob(ctx, pypi, store, 'revalidate', pip)('install');
    await pipJob(ctx, { indexUrl: pypi.indexUrl, cacheDir: pipCache, trustHost: true, pip });
    const nginxDir = join(dir, 'nginx');
    await nginxJob(ctx, pypi, nginxBinary, nginxDir, pip)('install');

    variants.push(
      await roundsOf(ctx, pypi, 'local folder (--no-index --find-links)', (command) =>
        pipJob(ctx, { findLinks: ctx.corpus.dir, command, pip }),
      ),
    );
    variants.push(
      await roundsOf(ctx, pypi, 'proxy, warm store, frozen pages', proxyJob(ctx, pypi, store, 'frozen', pip)),
    );
    variants.push(
      await roundsOf(
        ctx,
        pypi,
        'nginx proxy_cache, warm cache',
        nginxJob(ctx, pypi, nginxBinary, nginxDir, pip),
      ),
    );
    variants.push(
      await roundsOf(
        ctx,
        pypi,
        'proxy, warm store, revalidated pages',
        proxyJob(ctx, pypi, store, 'revalidate', pip),
      ),
    );
    variants.push(
      await roundsOf(ctx, pypi, "pip's own warm cache, no proxy", (command) =>
        pipJob(ctx, { indexUrl: pypi.indexUrl, cacheDir: pipCache, trustHost: true, command, pip }),
      ),
    );
  } finally {
    await pypi.stop();
    await rm(dir, { recursive: true, force: true });
  }
  const base = median(variants[0].times);
  const downloadBase = median(variants[0].downloadTimes);
  const [, frozenRow, nginxRow] = variants;
  const frozen = ratio(median(frozenRow.times), base);
  const nginxWarm = ratio(median(nginxRow.times), base);
  const frozenDownload = ratio(median(frozenRow.downloadTimes), downloadBase);
  const nginxDownload = ratio(median(nginxRow.downloadTimes), downloadBase);
  return {
    id: 'run2',
    title: 'Run 2: warm install wall time against the physical limit',
    method: [
      `pip ${pip.version}${pip.note ? ` (${pip.note})` : " (from the machine's local wheel mirror, in its own venv, run with no pip configuration)"}.`,
      `Wall time of \`pip install -r lockfile\` (${ctx.corpus.wheelsOf(0).length} packages) into a fresh venv (venv made before the clock starts), and of \`pip download -r lockfile -d <fresh folder>\` (no unpacking: what the server costs pip); median of ${ctx.rounds + 2} rounds, install and download interleaved.`,
      'Physical limit: the same pip with `--no-index --find-links <the folder of the same wheels>`: no network, no index, nothing to verify.',
      'Proxy rows: a new dist/proxy.js process per job (with its access log, as the action runs it) on a store filled by one earlier job, pip with `--no-cache-dir` pointed at it. Frozen: pages from the store, no upstream request (what the action runs on a restored store). Revalidated: each page is asked upstream once per proxy run (conditional request, 304).',
      "pip's own warm cache: pip's cache folder filled by an earlier job, pointed at the stand-in directly (what actions/setup-python `cache: pip` gives).",
      'nginx proxy_cache, warm cache: the configuration of run 3 (with proxy_cache_lock) on a cache filled by one earlier job, a new nginx per job: what pip pays for going through any index server, measured in the same run.',
    ],
    tables: [
      {
        columns: [
          'variant',
          'install median',
          'install min',
          'install max',
          'install ratio to local folder',
          'download median',
          'download ratio to local folder',
          'upstream requests per job',
          'failed jobs',
        ],
        rows: variants.map((v) => [
          v.name,
          formatMs(median(v.times)),
          formatMs(Math.min(...v.times)),
          formatMs(Math.max(...v.times)),
          formatRatio(ratio(median(v.times), base)),
          formatMs(median(v.downloadTimes)),
          formatRatio(ratio(median(v.downloadTimes), downloadBase)),
          v.upstreamRequests,
          v.failures,
        ]),
      },
    ],
    goals: [
      {
        goal: 'warm install within 1.10x of the local folder',
        met: frozen <= 1.1,
        detail: `proxy (frozen) ${formatRatio(frozen)}; nginx proxy_cache warm ${formatRatio(nginxWarm)}`,
      },
      {
        goal: 'warm pip download within 1.10x of the local folder',
        met: frozenDownload <= 1.1,
        detail: `proxy (frozen) ${formatRatio(frozenDownload)}; nginx proxy_cache warm ${formatRatio(nginxDownload)}`,
      },
      {
        goal: 'warm install and download at or below nginx warm',
        met:
          median(frozenRow.times) <= median(nginxRow.times) &&
          median(frozenRow.downloadTimes) <= median(nginxRow.downloadTimes),
        detail: `install ${formatRatio(ratio(median(frozenRow.times), median(nginxRow.times)))} of nginx, download ${formatRatio(ratio(median(frozenRow.downloadTimes), median(nginxRow.downloadTimes)))} of nginx`,
      },
    ],
    notes: [],
    data: { pip, variants },
  };
}
