// Run 8: the warm path per request, the proxy against nginx proxy_cache side by side: one
// keep-alive client replaying pip's request sequence (median latency per request kind), and a
// uv-like crowd (many connections, HEAD + Range, 50 file GETs at once) with the proxy's memory.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchContext } from '../context.js';
import type { RunReport } from '../report-model.js';
import { ensureNginx, startNginx } from '../support/nginx.js';
import { sampleRss } from '../support/processes.js';
import { startProxyProcess } from '../support/proxy-process.js';
import {
  type CrowdResult,
  figuresByKind,
  type Pinned,
  pipSequence,
  type ReplayRequest,
  replayOnOneConnection,
  type TimedAnswer,
  uvLikeCrowd,
} from '../support/request-replay.js';
import { formatBytes, formatMs, formatRatio, median, ratio } from '../support/stats.js';

const MEMORY_BOUND_BYTES = 150 * 1000 * 1000;
const KINDS = ['page', 'metadata', 'small file', 'large file'] as const;

interface Server {
  name: string;
  indexUrl: string;
  pids(): Promise<number[]>;
  stop(): Promise<void>;
}

interface Measured {
  name: string;
  replay: TimedAnswer[];
  replayMs: number[];
  replayRequests: number;
  crowds: CrowdResult[];
  peakRss: number[];
}

function msOf(answers: TimedAnswer[], kind: string): number {
  return median(answers.filter((a) => a.kind === kind).map((a) => a.ms));
}

/** Bytes per second of one kind's answers, one at a time (time summed). */
function rateOf(answers: TimedAnswer[], kind: string): number {
  return figuresByKind(answers).find((f) => f.kind === kind)?.bytesPerSecond ?? 0;
}

function crowdSmallRate(m: Measured): number {
  return median(
    m.crowds.map(
      (c) => c.answers.filter((a) => a.kind === 'small file').length / (c.phases.smallFiles / 1000),
    ),
  );
}

function crowdLargeRate(m: Measured): number {
  return median(
    m.crowds.map(
      (c) =>
        c.answers.filter((a) => a.kind === 'large file').reduce((sum, a) => sum + a.bytes, 0) /
        (c.phases.largeFiles / 1000),
    ),
  );
}

function crowdRequestRate(m: Measured): number {
  return median(
    m.crowds.map((c) => {
      const ms = c.phases.pages + c.phases.metadata + c.phases.smallFiles + c.phases.largeFiles;
      return c.answers.length / (ms / 1000);
    }),
  );
}

export async function runPerRequest(ctx: BenchContext): Promise<Omit<RunReport, 'durationMs'>> {
  const binary = await ensureNginx(ctx.log);
  const pypi = await ctx.startPypi();
  const dir = await ctx.tempDir('per-request');
  const store = join(dir, 'proxy-store');
  const lockWheels = ctx.corpus.wheelsOf(0);
  const pins: Pinned[] = lockWheels.map((w) => ({ project: w.project, filename: w.filename }));
  const projects = [...new Set(lockWheels.map((w) => w.project))];
  const repeats = ctx.quick ? 2 : 3;
  const rounds = ctx.quick ? 1 : ctx.rounds;
  const servers: Server[] = [];
  const measured: Measured[] = [];
  try {
    // Fill both caches cold (not timed), then start both again on their warm caches.
    const filling = await startProxyProcess({
      store,
      upstreamIndexUrl: pypi.indexUrl,
      policy: 'revalidate',
      workDir: ctx.root,
    });
    await replayOnOneConnection(await pipSequence(filling.indexUrl, pins), 1);
    await uvLikeCrowd(filling.indexUrl, projects);
    await filling.stop();
    const proxy = await startProxyProcess({
      store,
      upstreamIndexUrl: pypi.indexUrl,
      policy: 'frozen',
      workDir: ctx.root,
    });
    servers.push({
      name: 'this proxy (frozen)',
      indexUrl: proxy.indexUrl,
      pids: async () => [proxy.pid],
      stop: () => proxy.stop(),
    });
    const nginx = await startNginx(binary, {
      dir: join(dir, 'nginx'),
      indexOrigin: new URL(pypi.indexUrl).origin,
      filesOrigin: pypi.filesOrigin,
      cacheLock: true,
    });
    servers.push({ name: 'nginx proxy_cache', indexUrl: nginx.indexUrl, pids: nginx.pids, stop: nginx.stop });
    await uvLikeCrowd(nginx.indexUrl, projects);

    const sequences: ReplayRequest[][] = [];
    for (const server of servers) {
      sequences.push(await pipSequence(server.indexUrl, pins));
      // One untimed pass each: nginx keys pages by Accept, so pip's pages are cached only now.
      await replayOnOneConnection(sequences[sequences.length - 1], 1);
      measured.push({
        name: server.name,
        replay: [],
        replayMs: [],
        replayRequests: 0,
        crowds: [],
        peakRss: [],
      });
    }
    // Interleaved: proxy, nginx, proxy, ... so that drift on the shared machine touches both.
    for (let round = 0; round < rounds; round++) {
      for (const [i, server] of servers.entries()) {
        const { answers, ms } = await replayOnOneConnection(sequences[i], repeats);
        measured[i].replay.push(...answers);
        measured[i].replayMs.push(ms);
        measured[i].replayRequests = sequences[i].length * repeats;
        const pids = await server.pids();
        const sampler = sampleRss(() => pids, 25);
        measured[i].crowds.push(await uvLikeCrowd(server.indexUrl, projects));
        measured[i].peakRss.push(await sampler.stop());
      }
    }
  } finally {
    for (const server of servers) await server.stop();
    await pypi.stop();
    await rm(dir, { recursive: true, force: true });
  }
  const [proxy, nginx] = measured;
  for (const m of measured) {
    ctx.log(
      `run 8: ${m.name}: ${KINDS.map((k) => `${k} ${msOf(m.replay, k).toFixed(2)} ms`).join(', ')}; crowd ${Math.round(crowdRequestRate(m))} req/s`,
    );
  }
  const perKindMet = (['page', 'metadata', 'small file'] as const).every(
    (k) => msOf(proxy.replay, k) <= msOf(nginx.replay, k),
  );
  const smallCrowd = ratio(crowdSmallRate(proxy), crowdSmallRate(nginx));
  const peak = Math.max(...proxy.peakRss);
  return {
    id: 'run8',
    title: 'Run 8: the warm path per request, against nginx proxy_cache',
    method: [
      `Both servers on warm caches filled by one cold pass of each client, then one warm pass of pip's sequence (neither timed): the proxy as dist/proxy.js with frozen pages and its access log, as the action runs it on a restored store; nginx as in run 3 (proxy_cache_lock, sendfile, 2 workers). The lockfile: ${pins.length} pinned packages; the crowd: every file of their ${projects.length} projects.`,
      `pip's sequence, one keep-alive connection: for each pin its page (pip's Accept, Cache-Control: max-age=0, gzip), then its PEP 658 .metadata, then every file (Accept-Encoding: identity); ${repeats} passes per round, each answer timed to its last byte. Small file: under 1 MB.`,
      "uv-like crowd: up to 64 connections; every page with 50 at once, then HEAD plus a 16 KiB tail Range for every file (what uv reads when it has no .metadata), then every small file and then every large file with 50 GETs at once. The proxy's resident memory (VmRSS) sampled every 25 ms during the crowd; for nginx, its master and workers together.",
      `Rounds interleaved (proxy, nginx, proxy, ...), ${rounds} in all; medians over every answer of a kind. The machine is shared: the ratios are measured side by side in one run and matter more than the absolute times.`,
    ],
    tables: [
      {
        caption: "pip's sequence over one keep-alive connection: median per answer",
        columns: ['server', ...KINDS.map((k) => `${k} median`), 'large file MB/s', 'requests per second'],
        rows: measured.map((m) => [
          m.name,
          ...KINDS.map((k) => `${msOf(m.replay, k).toFixed(2)} ms`),
          (rateOf(m.replay, 'large file') / 1e6).toFixed(0),
          Math.round(m.replayRequests / (median(m.replayMs) / 1000)),
        ]),
      },
      {
        caption: 'uv-like crowd: throughput and memory',
        columns: [
          'server',
          'requests per second (all phases)',
          'small files per second',
          'large files',
          'HEAD + Range phase',
          'peak resident memory',
        ],
        rows: measured.map((m) => [
          m.name,
          Math.round(crowdRequestRate(m)),
          Math.round(crowdSmallRate(m)),
          `${formatBytes(crowdLargeRate(m))}/s`,
          formatMs(median(m.crowds.map((c) => c.phases.metadata))),
          formatBytes(Math.max(...m.peakRss)),
        ]),
      },
    ],
    goals: [
      {
        goal: 'per request (one client): pages, .metadata and files under 1 MB at or below nginx',
        met: perKindMet,
        detail: (['page', 'metadata', 'small file'] as const)
          .map((k) => `${k} ${formatRatio(ratio(msOf(proxy.replay, k), msOf(nginx.replay, k)))}`)
          .join(', '),
      },
      {
        goal: 'large files (one client) at or above nginx throughput',
        met: rateOf(proxy.replay, 'large file') >= rateOf(nginx.replay, 'large file'),
        detail: `${formatRatio(ratio(rateOf(proxy.replay, 'large file'), rateOf(nginx.replay, 'large file')))} of nginx`,
      },
      {
        goal: 'uv-like crowd: at least nginx throughput, many small files at least 0.9x nginx',
        met: crowdRequestRate(proxy) >= crowdRequestRate(nginx) && smallCrowd >= 0.9,
        detail: `requests ${formatRatio(ratio(crowdRequestRate(proxy), crowdRequestRate(nginx)))}, small files ${formatRatio(smallCrowd)}, large files ${formatRatio(ratio(crowdLargeRate(proxy), crowdLargeRate(nginx)))} of nginx`,
      },
      {
        goal: 'the proxy stays under 150 MB resident during the crowd (run 4 bound)',
        met: peak <= MEMORY_BOUND_BYTES,
        detail: `peak ${formatBytes(peak)}`,
      },
    ],
    notes: [],
    data: {
      servers: measured.map((m) => ({
        name: m.name,
        replay: figuresByKind(m.replay),
        replayMs: m.replayMs,
        crowd: m.crowds.map((c) => ({ phases: c.phases, answers: c.answers.length })),
        peakRss: m.peakRss,
      })),
    },
  };
}
