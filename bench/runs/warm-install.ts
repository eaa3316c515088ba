// Run 2: warm install wall time against the physical limit, pip installing from a local folder.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FakePypi } from '../../__tests__/support/fake-pypi.js';
import type { IndexPolicy } from '../../src/proxy/index.js';
import { type BenchContext, pipJob, pipJobThroughProxy, upstreamTraffic } from '../context.js';
import type { RunReport } from '../report-model.js';
import { ensureNginx, startNginx } from '../support/nginx.js';
import { formatMs, formatRatio, median, ratio } from '../support/stats.js';

interface Variant {
  name: string;
  times: number[];
  upstreamRequests: number;
  failures: number;
}

async function roundsOf(
  ctx: BenchContext,
  pypi: FakePypi,
  name: string,
  job: () => Promise<{ code: number; ms: number }>,
): Promise<Variant> {
  const variant: Variant = { name, times: [], upstreamRequests: 0, failures: 0 };
  for (let round = 0; round < ctx.rounds + 2; round++) {
    pypi.resetRequests();
    const { code, ms } = await job();
    variant.times.push(ms);
    variant.upstreamRequests = upstreamTraffic(pypi).requests;
    if (code !== 0) variant.failures++;
  }
  ctx.log(`run 2: ${name}: median ${formatMs(median(variant.times))}`);
  return variant;
}

/** A new proxy process per job on the same warm store, as each CI job starts its own. */
function proxyJob(ctx: BenchContext, pypi: FakePypi, store: string, policy: IndexPolicy) {
  return () => pipJobThroughProxy(ctx, { store, upstreamIndexUrl: pypi.indexUrl, policy });
}

/** nginx proxy_cache on a warm cache, a new process per job: what any index costs pip. */
function nginxJob(ctx: BenchContext, pypi: FakePypi, binary: string, dir: string) {
  return async () => {
    const nginx = await startNginx(binary, {
      dir,
      indexOrigin: new URL(pypi.indexUrl).origin,
      filesOrigin: pypi.filesOrigin,
      cacheLock: true,
    });
    try {
      return await pipJob(ctx, { indexUrl: nginx.indexUrl });
    } finally {
      await nginx.stop();
    }
  };
}

export async function runWarmInstall(ctx: BenchContext): Promise<Omit<RunReport, 'durationMs'>> {
  const nginxBinary = await ensureNginx(ctx.log);
  const pypi = await ctx.startPypi();
  const dir = await ctx.tempDir('warm-install');
  const store = join(dir, 'store');
  const pipCache = join(dir, 'pip-cache');
  const variants: Variant[] = [];
  try {
    // Warm up: fill the proxy store and pip's cache once (not timed).
    await proxyJob(ctx, pypi, store, 'revalidate')();
    await pipJob(ctx, { indexUrl: pypi.indexUrl, cacheDir: pipCache, trustHost: true });
    const nginxDir = join(dir, 'nginx');
    await nginxJob(ctx, pypi, nginxBinary, nginxDir)();

    variants.push(
      await roundsOf(ctx, pypi, 'local folder (--no-index --find-links)', () =>
        pipJob(ctx, { findLinks: ctx.corpus.dir }),
      ),
    );
    variants.push(
      await roundsOf(ctx, pypi, 'proxy, warm store, frozen pages', proxyJob(ctx, pypi, store, 'frozen')),
    );
    variants.push(
      await roundsOf(ctx, pypi, 'nginx proxy_cache, warm cache', nginxJob(ctx, pypi, nginxBinary, nginxDir)),
    );
    variants.push(
      await roundsOf(
        ctx,
        pypi,
        'proxy, warm store, revalidated pages',
        proxyJob(ctx, pypi, store, 'revalidate'),
      ),
    );
    variants.push(
      await roundsOf(ctx, pypi, "pip's own warm cache, no proxy", () =>
        pipJob(ctx, { indexUrl: pypi.indexUrl, cacheDir: pipCache, trustHost: true }),
      ),
    );
  } finally {
    await pypi.stop();
    await rm(dir, { recursive: true, force: true });
  }
  const base = median(variants[0].times);
  const frozen = ratio(median(variants[1].times), base);
  const nginxWarm = ratio(median(variants[2].times), base);
  return {
    id: 'run2',
    title: 'Run 2: warm install wall time against the physical limit',
    method: [
      `Wall time of \`pip install -r lockfile\` (${ctx.corpus.wheelsOf(0).length} packages) into a fresh venv (venv made before the clock starts), median of ${ctx.rounds + 2} rounds.`,
      'Physical limit: `pip install --no-index --find-links <the folder of the same wheels>`: no network, no index, nothing to verify.',
      'Proxy rows: a new dist/proxy.js process per job on a store filled by one earlier job, pip with `--no-cache-dir` pointed at it. Frozen: pages from the store, no upstream request (what the action runs on a restored store). Revalidated: each page is asked upstream once per proxy run (conditional request, 304).',
      "pip's own warm cache: pip's cache folder filled by an earlier job, pointed at the stand-in directly (what actions/setup-python `cache: pip` gives).",
      'nginx proxy_cache, warm cache: the configuration of run 3 (with proxy_cache_lock) on a cache filled by one earlier job, a new nginx per job: what pip pays for going through any index server, measured in the same run.',
    ],
    tables: [
      {
        columns: [
          'variant',
          'median',
          'min',
          'max',
          'ratio to local folder',
          'upstream requests per job',
          'failed jobs',
        ],
        rows: variants.map((v) => [
          v.name,
          formatMs(median(v.times)),
          formatMs(Math.min(...v.times)),
          formatMs(Math.max(...v.times)),
          formatRatio(ratio(median(v.times), base)),
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
    ],
    notes: [],
    data: { variants },
  };
}
