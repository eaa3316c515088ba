// Run 2: warm install wall time against the physical limit, pip installing from a local folder,
// with pip 26 (pip-version.ts); `pip download` beside `pip install` (download has no unpacking,
// so it shows what the server costs pip), and the action's wheelhouse route beside them.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FakePypi } from '../../__tests__/support/fake-pypi.js';
import { offerWheelhouse, recordWheelhouse } from '../../src/action/wheelhouse.js';
import { readPinnedRequirements } from '../../src/key/pinned-requirements.js';
import type { IndexPolicy, Manifest } from '../../src/proxy/index.js';
import { type BenchContext, pipJob, pipJobThroughProxy, upstreamTraffic } from '../context.js';
import type { RunReport } from '../report-model.js';
import { ensureNginx, startNginx } from '../support/nginx.js';
import { type BenchPip, benchPip } from '../support/pip-version.js';
import { startProxyProcess } from '../support/proxy-process.js';
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

/**
 * Rounds of install and download for every variant, interleaved (round 1: each variant in
 * turn, then round 2, ...), so drift on the shared machine touches every variant alike.
 */
async function interleavedRounds(
  ctx: BenchContext,
  pypi: FakePypi,
  contenders: { name: string; job: Job }[],
): Promise<Variant[]> {
  const variants: Variant[] = contenders.map(({ name }) => ({
    name,
    times: [],
    downloadTimes: [],
    upstreamRequests: 0,
    failures: 0,
  }));
  for (let round = 0; round < ctx.rounds + 2; round++) {
    for (const [i, { job }] of contenders.entries()) {
      const variant = variants[i];
      for (const command of ['install', 'download'] as const) {
        pypi.resetRequests();
        const { code, ms } = await job(command);
        (command === 'install' ? variant.times : variant.downloadTimes).push(ms);
        if (command === 'install') variant.upstreamRequests = upstreamTraffic(pypi).requests;
        if (code !== 0) variant.failures++;
      }
    }
  }
  for (const variant of variants) {
    ctx.log(
      `run 2: ${variant.name}: install ${formatMs(median(variant.times))}, download ${formatMs(median(variant.downloadTimes))}`,
    );
  }
  return variants;
}

/**
 * The action's wheelhouse on an exact hit: the post step's record of the warm-up job's files
 * (wheelhouse.ts, recordWheelhouse), then per job the main step's links into a fresh folder
 * (offerWheelhouse, timed with pip: the job pays for both), and pip with --no-index
 * --find-links on it.
 */
async function wheelhouseJob(
  ctx: BenchContext,
  store: string,
  manifest: Manifest,
  pip: BenchPip,
): Promise<{ job: Job; linkMs: number[] }> {
  const dir = await ctx.tempDir('wheelhouse');
  await writeFile(join(dir, 'requirements.txt'), ctx.corpus.lockfiles[0]);
  const requirements = readPinnedRequirements(dir, ['requirements.txt']);
  const key = 'bench-run2';
  const recorded = await recordWheelhouse({
    storeDir: store,
    key,
    pins: requirements.pinned ? requirements.pins : undefined,
    manifest,
    bypass: undefined,
  });
  ctx.log(`run 2: ${recorded}`);
  const linkMs: number[] = [];
  const job: Job = async (command) => {
    const folder = join(dir, 'wheelhouse');
    const started = performance.now();
    const { offered, reason } = await offerWheelhouse({
      key,
      cacheHit: true,
      storeDir: store,
      requirements,
      folder,
    });
    const ms = performance.now() - started;
    linkMs.push(ms);
    if (!offered) throw new Error(`run 2: no wheelhouse: ${reason}`);
    const result = await pipJob(ctx, { findLinks: offered.path, command, pip });
    return { code: result.code, ms: result.ms + ms };
  };
  return { job, linkMs };
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

/** The warm-up job through a proxy on an empty store; returns what it used (its manifest). */
async function fillStore(ctx: BenchContext, pypi: FakePypi, store: string, pip: BenchPip): Promise<Manifest> {
  const proxy = await startProxyProcess({
    store,
    upstreamIndexUrl: pypi.indexUrl,
    policy: 'revalidate',
    workDir: ctx.root,
  });
  try {
    const { code } = await pipJob(ctx, { indexUrl: proxy.indexUrl, pip });
    if (code !== 0) throw new Error('run 2: the warm-up install through the proxy failed');
    return (await (await fetch(`${proxy.url}/-/manifest`)).json()) as Manifest;
  } finally {
    await proxy.stop();
  }
}

const WHEELHOUSE_ROW = "wheelhouse (the action's output on an exact hit: links + --no-index --find-links)";

function routeGoals(name: string, row: Variant, local: Variant, nginx: Variant): RunReport['goals'] {
  const install = ratio(median(row.times), median(local.times));
  const download = ratio(median(row.downloadTimes), median(local.downloadTimes));
  const installVsNginx = ratio(median(row.times), median(nginx.times));
  const downloadVsNginx = ratio(median(row.downloadTimes), median(nginx.downloadTimes));
  return [
    {
      goal: `${name}: warm install and download within 1.10x of the local folder`,
      met: install <= 1.1 && download <= 1.1,
      detail: `install ${formatRatio(install)}, download ${formatRatio(download)}`,
    },
    {
      goal: `${name}: warm install and download at or below nginx warm`,
      met: installVsNginx <= 1 && downloadVsNginx <= 1,
      detail: `install ${formatRatio(installVsNginx)} of nginx, download ${formatRatio(downloadVsNginx)} of nginx`,
    },
  ];
}

export async function runWarmInstall(ctx: BenchContext): Promise<Omit<RunReport, 'durationMs'>> {
  const nginxBinary = await ensureNginx(ctx.log);
  const pip = await benchPip(ctx.root, ctx.log);
  const pypi = await ctx.startPypi();
  const dir = await ctx.tempDir('warm-install');
  const store = join(dir, 'store');
  const pipCache = join(dir, 'pip-cache');
  let variants: Variant[] = [];
  let linkMs: number[] = [];
  try {
    // Warm up: fill the proxy store and pip's cache once (not timed).
    const manifest = await fillStore(ctx, pypi, store, pip);
    await pipJob(ctx, { indexUrl: pypi.indexUrl, cacheDir: pipCache, trustHost: true, pip });
    const nginxDir = join(dir, 'nginx');
    await nginxJob(ctx, pypi, nginxBinary, nginxDir, pip)('install');

    const wheelhouse = await wheelhouseJob(ctx, store, manifest, pip);
    linkMs = wheelhouse.linkMs;
    variants = await interleavedRounds(ctx, pypi, [
      {
        name: 'local folder (--no-index --find-links)',
        job: (command) => pipJob(ctx, { findLinks: ctx.corpus.dir, command, pip }),
      },
      { name: WHEELHOUSE_ROW, job: wheelhouse.job },
      { name: 'proxy, warm store, frozen pages', job: proxyJob(ctx, pypi, store, 'frozen', pip) },
      { name: 'nginx proxy_cache, warm cache', job: nginxJob(ctx, pypi, nginxBinary, nginxDir, pip) },
      { name: 'proxy, warm store, revalidated pages', job: proxyJob(ctx, pypi, store, 'revalidate', pip) },
      {
        name: "pip's own warm cache, no proxy",
        job: (command) =>
          pipJob(ctx, { indexUrl: pypi.indexUrl, cacheDir: pipCache, trustHost: true, command, pip }),
      },
    ]);
  } finally {
    await pypi.stop();
    await rm(dir, { recursive: true, force: true });
  }
  const base = median(variants[0].times);
  const downloadBase = median(variants[0].downloadTimes);
  const [localRow, wheelhouseRow, frozenRow, nginxRow] = variants;
  const nginxInstall = ratio(median(nginxRow.times), base);
  const nginxDownload = ratio(median(nginxRow.downloadTimes), downloadBase);
  return {
    id: 'run2',
    title: 'Run 2: warm install wall time against the physical limit',
    method: [
      `pip ${pip.version}${pip.note ? ` (${pip.note})` : " (from the machine's local wheel mirror, in its own venv, run with no pip configuration)"}.`,
      `Wall time of \`pip install -r lockfile\` (${ctx.corpus.wheelsOf(0).length} packages) into a fresh venv (venv made before the clock starts), and of \`pip download -r lockfile -d <fresh folder>\` (no unpacking: what the server costs pip); median of ${ctx.rounds + 2} rounds, install and download interleaved, and the rounds interleaved across the variants (round 1 runs each variant in turn, then round 2), so drift on the shared machine touches all alike.`,
      'Physical limit: the same pip with `--no-index --find-links <the folder of the same wheels>`: no network, no index, nothing to verify.',
      "Wheelhouse: what the action offers on an exact hit (output `wheelhouse`, src/action/wheelhouse.ts): the post step's record of the warm-up job's files, then per job the main step's hard links from the store into a fresh folder and pip with `--no-index --find-links` on it; the row's time is the links plus pip.",
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
      ...routeGoals('index route (proxy, frozen pages)', frozenRow, localRow, nginxRow),
      ...routeGoals('wheelhouse route', wheelhouseRow, localRow, nginxRow),
    ],
    notes: [
      `nginx proxy_cache warm, for scale: install ${formatRatio(nginxInstall)}, download ${formatRatio(nginxDownload)} of the local folder. Linking the wheelhouse (the main step's part, included in its row): median ${formatMs(median(linkMs))} per job.`,
    ],
    data: { pip, variants, linkMs },
  };
}
