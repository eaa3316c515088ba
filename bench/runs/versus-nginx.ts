// Run 3: the proxy against nginx proxy_cache, cold and warm: install time, raw throughput, and
// duplicate upstream downloads when many clients want the same cold files at once.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FakePypi } from '../../__tests__/support/fake-pypi.js';
import { type BenchContext, pipJob, upstreamTraffic } from '../context.js';
import type { RunReport } from '../report-model.js';
import { ensureDebianCommand } from '../support/debian.js';
import { type FileLink, listFiles, runClients, shuffled } from '../support/http-load.js';
import { ensureNginx, nginxVersion, startNginx } from '../support/nginx.js';
import { type BenchPip, benchPip } from '../support/pip-version.js';
import { startProxyProcess } from '../support/proxy-process.js';
import { formatBytes, formatMs, formatRate, formatRatio, median, ratio } from '../support/stats.js';
import { runWrk, type WrkResult } from '../support/wrk.js';

/** A server under test: started on empty caches, `indexUrl` is what pip and clients use. */
interface Server {
  indexUrl: string;
  stop(): Promise<void>;
}

interface Contender {
  name: string;
  /** Starts the server on an empty cache (fresh = true) or on the cache of the last start. */
  start(fresh: boolean): Promise<Server>;
}

interface ContenderResult {
  name: string;
  cold: number[];
  warm: number[];
  warmDownload: number[];
  coldUpstream: number;
  warmUpstream: number;
  large: WrkResult[];
  small: WrkResult[];
  duplicates: { files: number; upstreamGets: number; maxPerFile: number; errors: number };
}

function projectsOf(ctx: BenchContext): string[] {
  return [...new Set(ctx.corpus.wheels.map((w) => w.project))].sort();
}

async function coldDuplicates(ctx: BenchContext, pypi: FakePypi, server: Server, clients: number) {
  const links = await listFiles(server.indexUrl, projectsOf(ctx));
  const largest = links.reduce((a, b) => (b.size > a.size ? b : a));
  const small = links.filter((l) => l.size < 1_000_000);
  pypi.resetRequests();
  const lists = Array.from({ length: clients }, (_, i) => [
    largest.url,
    ...shuffled(small, i + 1).map((l) => l.url),
  ]);
  const load = await runClients(lists);
  const perFile = new Map<string, number>();
  for (const r of pypi.requests) {
    if (r.origin === 'files' && r.method === 'GET') perFile.set(r.path, (perFile.get(r.path) ?? 0) + 1);
  }
  return {
    links,
    duplicates: {
      files: 1 + small.length,
      upstreamGets: [...perFile.values()].reduce((a, b) => a + b, 0),
      maxPerFile: Math.max(0, ...perFile.values()),
      errors: load.errors,
    },
  };
}

/** One round of raw throughput with wrk: one large file, then every small file in turn. */
async function throughput(
  ctx: BenchContext,
  wrk: string,
  links: FileLink[],
  result: ContenderResult,
): Promise<void> {
  const largest = links.reduce((a, b) => (b.size > a.size ? b : a));
  const small = links.filter((l) => l.size < 1_000_000).map((l) => l.url);
  const seconds = ctx.quick ? 2 : 5;
  result.large.push(await runWrk(wrk, ctx.root, { urls: [largest.url], connections: 8, seconds }));
  result.small.push(await runWrk(wrk, ctx.root, { urls: small, connections: 32, seconds }));
}

/** One pip install through a server started for it; resolves with its wall time. */
async function install(
  ctx: BenchContext,
  pypi: FakePypi,
  contender: Contender,
  fresh: boolean,
  pip: BenchPip,
  command: 'install' | 'download' = 'install',
): Promise<{ ms: number; upstream: number }> {
  const server = await contender.start(fresh);
  try {
    pypi.resetRequests();
    const { ms } = await pipJob(ctx, { indexUrl: server.indexUrl, pip, command });
    return { ms, upstream: upstreamTraffic(pypi).requests };
  } finally {
    await server.stop();
  }
}

/**
 * Rounds are interleaved across the servers (proxy, nginx, nginx with lock, proxy, ...), so
 * that drift on a shared machine touches every server alike.
 */
async function measureAll(
  ctx: BenchContext,
  pypi: FakePypi,
  wrk: string,
  contenders: Contender[],
  pip: BenchPip,
): Promise<ContenderResult[]> {
  const results: ContenderResult[] = contenders.map((contender) => ({
    name: contender.name,
    cold: [],
    warm: [],
    warmDownload: [],
    coldUpstream: 0,
    warmUpstream: 0,
    large: [],
    small: [],
    duplicates: { files: 0, upstreamGets: 0, maxPerFile: 0, errors: 0 },
  }));
  for (let round = 0; round < ctx.rounds; round++) {
    for (const [i, contender] of contenders.entries()) {
      const { ms, upstream } = await install(ctx, pypi, contender, true, pip);
      results[i].cold.push(ms);
      results[i].coldUpstream = upstream;
    }
  }
  for (let round = 0; round < ctx.rounds + 2; round++) {
    for (const [i, contender] of contenders.entries()) {
      const { ms, upstream } = await install(ctx, pypi, contender, false, pip);
      results[i].warm.push(ms);
      results[i].warmUpstream = upstream;
      results[i].warmDownload.push((await install(ctx, pypi, contender, false, pip, 'download')).ms);
    }
  }
  const servers: Server[] = [];
  try {
    const links: FileLink[][] = [];
    for (const [i, contender] of contenders.entries()) {
      const server = await contender.start(true);
      servers.push(server);
      const cold = await coldDuplicates(ctx, pypi, server, ctx.quick ? 8 : 20);
      results[i].duplicates = cold.duplicates;
      links.push(cold.links);
    }
    for (let round = 0; round < ctx.rounds; round++) {
      for (const [i, result] of results.entries()) await throughput(ctx, wrk, links[i], result);
    }
  } finally {
    for (const server of servers) await server.stop();
  }
  for (const r of results) {
    ctx.log(
      `run 3: ${r.name}: cold ${formatMs(median(r.cold))}, warm ${formatMs(median(r.warm))}, dup max ${r.duplicates.maxPerFile}`,
    );
  }
  return results;
}

function nginxContender(binary: string, pypi: FakePypi, dir: string, cacheLock: boolean): Contender {
  const cacheDir = join(dir, cacheLock ? 'nginx-lock' : 'nginx');
  return {
    name: cacheLock ? 'nginx proxy_cache + proxy_cache_lock' : 'nginx proxy_cache',
    async start(fresh) {
      if (fresh) await rm(cacheDir, { recursive: true, force: true });
      const nginx = await startNginx(binary, {
        dir: cacheDir,
        indexOrigin: new URL(pypi.indexUrl).origin,
        filesOrigin: pypi.filesOrigin,
        cacheLock,
      });
      return { indexUrl: nginx.indexUrl, stop: () => nginx.stop() };
    },
  };
}

function proxyContender(ctx: BenchContext, pypi: FakePypi, dir: string): Contender {
  const store = join(dir, 'proxy-store');
  return {
    name: 'this proxy (warm: frozen pages)',
    async start(fresh) {
      if (fresh) await rm(store, { recursive: true, force: true });
      const proxy = await startProxyProcess({
        store,
        upstreamIndexUrl: pypi.indexUrl,
        policy: fresh ? 'revalidate' : 'frozen',
        workDir: ctx.root,
      });
      return { indexUrl: proxy.indexUrl, stop: () => proxy.stop() };
    },
  };
}

export async function runVersusNginx(ctx: BenchContext): Promise<Omit<RunReport, 'durationMs'>> {
  const binary = await ensureNginx(ctx.log);
  const version = await nginxVersion(binary);
  const pypi = await ctx.startPypi();
  const dir = await ctx.tempDir('versus-nginx');
  const wrk = await ensureDebianCommand('wrk', 'wrk', ctx.log);
  const pip = await benchPip(ctx.root, ctx.log);
  let results: ContenderResult[];
  try {
    results = await measureAll(
      ctx,
      pypi,
      wrk,
      [
        proxyContender(ctx, pypi, dir),
        nginxContender(binary, pypi, dir, false),
        nginxContender(binary, pypi, dir, true),
      ],
      pip,
    );
  } finally {
    await pypi.stop();
    await rm(dir, { recursive: true, force: true });
  }
  const [proxy, nginx, nginxLock] = results;
  const warmRatio = ratio(median(proxy.warm), Math.min(median(nginx.warm), median(nginxLock.warm)));
  const downloadRatio = ratio(
    median(proxy.warmDownload),
    Math.min(median(nginx.warmDownload), median(nginxLock.warmDownload)),
  );
  // Bytes per second on one large file; files per second on many small ones.
  const largeRate = (r: ContenderResult) => median(r.large.map((w) => w.bytes / w.seconds));
  const smallRate = (r: ContenderResult) => median(r.small.map((w) => w.requests / w.seconds));
  const smallBytesRate = (r: ContenderResult) => median(r.small.map((w) => w.bytes / w.seconds));
  const wrkErrors = (r: ContenderResult) => [...r.large, ...r.small].reduce((n, w) => n + w.errors, 0);
  const bestNginx = (f: (r: ContenderResult) => number) => Math.max(f(nginx), f(nginxLock));
  return {
    id: 'run3',
    title: 'Run 3: the proxy against nginx proxy_cache',
    method: [
      `nginx ${version} (Debian package, installed by the bench when missing), run in the foreground with a generated config: 2 workers, \`proxy_cache\` on disk, keep-alive to the upstream, sendfile. Two server blocks front the stand-in's two origins; the index block rewrites the files origin in page bodies with \`sub_filter\` (pages fetched uncompressed for that, cached 10 min as PyPI's Cache-Control allows, keyed with the Accept header). Files are cached as long as they say (a year).`,
      'The proxy: dist/proxy.js as a child process. Cold: empty store, revalidate policy. Warm: a new process on the filled store with frozen pages (what the action runs on a restored store).',
      `pip ${pip.version}${pip.note ? ` (${pip.note})` : " (from the machine's local wheel mirror, in its own venv)"}. Install: \`pip install --no-cache-dir -r lockfile\` through each server, fresh venv; warm rounds also time \`pip download -r lockfile -d <fresh folder>\` on a new server start; cold: median of ${ctx.rounds} rounds, each on an empty cache; warm: median of ${ctx.rounds + 2} rounds. Rounds are interleaved across the servers (proxy, nginx, nginx with lock, proxy, ...), so drift on the shared machine touches all alike.`,
      `Throughput (warm, loopback): wrk (Debian's package, a native client, installed by the bench when missing) on two threads for ${ctx.quick ? 2 : 5} s: one large file (the largest wheel, 8 connections) and many small files (every wheel under 1 MB in turn, 32 connections); the three servers run side by side and take turns, median of ${ctx.rounds} rounds.`,
      `Cold duplicates: on an empty cache, ${ctx.quick ? 8 : 20} clients at once each fetch the largest wheel then every small wheel in its own order; upstream GETs counted per file by the stand-in.`,
    ],
    tables: [
      {
        caption: 'Install through the server',
        columns: [
          'server',
          'cold install',
          'warm install',
          'warm ratio to proxy',
          'warm download',
          'warm download ratio to proxy',
          'upstream requests cold',
          'upstream requests warm',
        ],
        rows: results.map((r) => [
          r.name,
          formatMs(median(r.cold)),
          formatMs(median(r.warm)),
          formatRatio(ratio(median(r.warm), median(proxy.warm))),
          formatMs(median(r.warmDownload)),
          formatRatio(ratio(median(r.warmDownload), median(proxy.warmDownload))),
          r.coldUpstream,
          r.warmUpstream,
        ]),
      },
      {
        caption: 'Raw throughput, warm',
        columns: ['server', 'one large file', 'many small files', 'small files per second', 'errors'],
        rows: results.map((r) => [
          r.name,
          formatRate(largeRate(r), 1000),
          formatRate(smallBytesRate(r), 1000),
          Math.round(smallRate(r)),
          wrkErrors(r),
        ]),
      },
      {
        caption: 'Cold, concurrent clients: upstream downloads',
        columns: ['server', 'distinct files', 'upstream GETs', 'most GETs for one file', 'client errors'],
        rows: results.map((r) => [
          r.name,
          r.duplicates.files,
          r.duplicates.upstreamGets,
          r.duplicates.maxPerFile,
          r.duplicates.errors,
        ]),
      },
    ],
    goals: [
      {
        goal: 'warm install at least as fast as nginx warm',
        met: warmRatio <= 1.0,
        detail: `proxy warm / best nginx warm = ${formatRatio(warmRatio)}`,
      },
      {
        goal: 'warm pip download at least as fast as nginx warm',
        met: downloadRatio <= 1.0,
        detail: `proxy warm download / best nginx warm download = ${formatRatio(downloadRatio)}`,
      },
      {
        goal: 'throughput at least nginx warm (one large file; many small files)',
        met: largeRate(proxy) >= bestNginx(largeRate) && smallRate(proxy) >= bestNginx(smallRate),
        detail: `large ${formatRatio(ratio(largeRate(proxy), bestNginx(largeRate)))} of nginx, small ${formatRatio(ratio(smallRate(proxy), bestNginx(smallRate)))} of nginx`,
      },
      {
        goal: 'no duplicate upstream downloads cold, with no extra setting',
        met: proxy.duplicates.maxPerFile === 1 && proxy.duplicates.upstreamGets === proxy.duplicates.files,
        detail: `proxy ${proxy.duplicates.upstreamGets} GETs for ${proxy.duplicates.files} files; nginx ${nginx.duplicates.upstreamGets} without proxy_cache_lock, ${nginxLock.duplicates.upstreamGets} with it`,
      },
    ],
    notes: [
      `Bytes the proxy served per throughput round (median): large ${formatBytes(median(proxy.large.map((w) => w.bytes)))}, small ${formatBytes(median(proxy.small.map((w) => w.bytes)))} in ${median(proxy.small.map((w) => w.requests))} requests.`,
    ],
    data: { pip, results },
  };
}
