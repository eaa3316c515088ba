// Run 3: the proxy against nginx proxy_cache, cold and warm: install time, raw throughput, and
// duplicate upstream downloads when many clients want the same cold files at once.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FakePypi } from '../../__tests__/support/fake-pypi.js';
import { type BenchContext, pipJob, upstreamTraffic } from '../context.js';
import type { RunReport } from '../report-model.js';
import { type FileLink, listFiles, runClients, runQueue, shuffled } from '../support/http-load.js';
import { ensureNginx, nginxVersion, startNginx } from '../support/nginx.js';
import { startProxyProcess } from '../support/proxy-process.js';
import { formatBytes, formatMs, formatRate, formatRatio, median, ratio } from '../support/stats.js';

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
  coldUpstream: number;
  warmUpstream: number;
  largeMs: number[];
  largeBytes: number;
  smallMs: number[];
  smallRequests: number;
  smallBytes: number;
  throughputErrors: number;
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

async function throughput(ctx: BenchContext, links: FileLink[], result: ContenderResult): Promise<void> {
  const largest = links.reduce((a, b) => (b.size > a.size ? b : a));
  const small = links.filter((l) => l.size < 1_000_000).map((l) => l.url);
  const largeClients = ctx.quick ? 4 : 8;
  const smallClients = 32;
  for (let round = 0; round < ctx.rounds; round++) {
    const large = await runQueue(Array(largeClients * 2).fill(largest.url), largeClients);
    result.largeMs.push(large.ms);
    result.largeBytes = large.bytes;
    const many = await runQueue([...small, ...small, ...small, ...small, ...small], smallClients);
    result.smallMs.push(many.ms);
    result.smallRequests = many.requests;
    result.smallBytes = many.bytes;
    result.throughputErrors += large.errors + many.errors;
  }
}

async function measure(ctx: BenchContext, pypi: FakePypi, contender: Contender): Promise<ContenderResult> {
  const result: ContenderResult = {
    name: contender.name,
    cold: [],
    warm: [],
    coldUpstream: 0,
    warmUpstream: 0,
    largeMs: [],
    largeBytes: 0,
    smallMs: [],
    smallRequests: 0,
    smallBytes: 0,
    throughputErrors: 0,
    duplicates: { files: 0, upstreamGets: 0, maxPerFile: 0, errors: 0 },
  };
  for (let round = 0; round < ctx.rounds; round++) {
    const server = await contender.start(true);
    try {
      pypi.resetRequests();
      result.cold.push((await pipJob(ctx, { indexUrl: server.indexUrl })).ms);
      result.coldUpstream = upstreamTraffic(pypi).requests;
    } finally {
      await server.stop();
    }
  }
  for (let round = 0; round < ctx.rounds; round++) {
    const server = await contender.start(false);
    try {
      pypi.resetRequests();
      result.warm.push((await pipJob(ctx, { indexUrl: server.indexUrl })).ms);
      result.warmUpstream = upstreamTraffic(pypi).requests;
    } finally {
      await server.stop();
    }
  }
  const server = await contender.start(true);
  try {
    const cold = await coldDuplicates(ctx, pypi, server, ctx.quick ? 8 : 20);
    result.duplicates = cold.duplicates;
    await throughput(ctx, cold.links, result);
  } finally {
    await server.stop();
  }
  ctx.log(
    `run 3: ${contender.name}: cold ${formatMs(median(result.cold))}, warm ${formatMs(median(result.warm))}, dup max ${result.duplicates.maxPerFile}`,
  );
  return result;
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
  const results: ContenderResult[] = [];
  try {
    for (const contender of [
      proxyContender(ctx, pypi, dir),
      nginxContender(binary, pypi, dir, false),
      nginxContender(binary, pypi, dir, true),
    ]) {
      results.push(await measure(ctx, pypi, contender));
    }
  } finally {
    await pypi.stop();
    await rm(dir, { recursive: true, force: true });
  }
  const [proxy, nginx, nginxLock] = results;
  const warmRatio = ratio(median(proxy.warm), Math.min(median(nginx.warm), median(nginxLock.warm)));
  const largeRate = (r: ContenderResult) => r.largeBytes / median(r.largeMs);
  const smallRate = (r: ContenderResult) => r.smallRequests / median(r.smallMs);
  const bestNginx = (f: (r: ContenderResult) => number) => Math.max(f(nginx), f(nginxLock));
  return {
    id: 'run3',
    title: 'Run 3: the proxy against nginx proxy_cache',
    method: [
      `nginx ${version} (Debian package, installed by the bench when missing), run in the foreground with a generated config: 2 workers, \`proxy_cache\` on disk, keep-alive to the upstream, sendfile. Two server blocks front the stand-in's two origins; the index block rewrites the files origin in page bodies with \`sub_filter\` (pages fetched uncompressed for that, cached 10 min as PyPI's Cache-Control allows, keyed with the Accept header). Files are cached as long as they say (a year).`,
      'The proxy: dist/proxy.js as a child process. Cold: empty store, revalidate policy. Warm: a new process on the filled store with frozen pages (what the action runs on a restored store).',
      `Install: \`pip install --no-cache-dir -r lockfile\` through each server, fresh venv, median of ${ctx.rounds} rounds; cold rounds start on an empty cache each.`,
      `Throughput (warm, loopback, Node keep-alive clients in the bench process): one large file (${ctx.quick ? 4 : 8} clients, ${ctx.quick ? 8 : 16} downloads of the largest wheel) and many small files (32 clients, every wheel under 1 MB five times), median of ${ctx.rounds} rounds.`,
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
          'upstream requests cold',
          'upstream requests warm',
        ],
        rows: results.map((r) => [
          r.name,
          formatMs(median(r.cold)),
          formatMs(median(r.warm)),
          formatRatio(ratio(median(r.warm), median(proxy.warm))),
          r.coldUpstream,
          r.warmUpstream,
        ]),
      },
      {
        caption: 'Raw throughput, warm',
        columns: ['server', 'one large file', 'many small files', 'small files per second', 'errors'],
        rows: results.map((r) => [
          r.name,
          formatRate(r.largeBytes, median(r.largeMs)),
          formatRate(r.smallBytes, median(r.smallMs)),
          Math.round(smallRate(r) * 1000),
          r.throughputErrors,
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
      `Bytes moved per throughput round: large ${formatBytes(proxy.largeBytes)}, small ${formatBytes(proxy.smallBytes)} in ${proxy.smallRequests} requests.`,
    ],
    data: { results },
  };
}
