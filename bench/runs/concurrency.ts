// Run 4: many concurrent clients over the whole corpus, cold then warm, through one proxy
// process: errors, upstream downloads per file, and the proxy's peak memory, also with one file
// far larger than any buffer should be.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FakePypi } from '../../__tests__/support/fake-pypi.js';
import type { BuiltWheel } from '../../__tests__/support/wheels.js';
import { fileHref } from '../../src/proxy/http/routes.js';
import { type BenchContext, upstreamTraffic } from '../context.js';
import { buildHugeWheel } from '../corpus.js';
import type { RunReport } from '../report-model.js';
import { type LoadResult, runClients, shuffled } from '../support/http-load.js';
import { sampleRss } from '../support/processes.js';
import { type ProxyProcess, startProxyProcess } from '../support/proxy-process.js';
import { formatBytes, formatMs } from '../support/stats.js';

const MB = 1024 * 1024;

interface Phase {
  phase: string;
  clients: number;
  requests: number;
  bytes: number;
  ms: number;
  errors: number;
  upstreamRequests: number;
  maxDownloadsPerFile: number;
  filesNotDownloadedOnce: number;
  peakRss: number;
}

function fileUrl(proxy: ProxyProcess, wheel: BuiltWheel): string {
  return `${proxy.url}${fileHref('pypi', wheel.project, wheel.sha256, wheel.filename)}`;
}

async function phase(
  name: string,
  pypi: FakePypi,
  proxy: ProxyProcess,
  lists: string[][],
  wheels: BuiltWheel[],
  expected: Map<string, string>,
): Promise<Phase> {
  pypi.resetRequests();
  const sampler = sampleRss(() => [proxy.pid]);
  const load: LoadResult = await runClients(lists, { expectedSha256: expected });
  const peakRss = await sampler.stop();
  const perFile = new Map(wheels.map((w) => [w.filename, 0]));
  for (const r of pypi.requests) {
    const filename = r.path.split('/').pop() ?? '';
    if (r.origin === 'files' && perFile.has(filename))
      perFile.set(filename, (perFile.get(filename) ?? 0) + 1);
  }
  const counts = [...perFile.values()];
  return {
    phase: name,
    clients: lists.length,
    requests: load.requests,
    bytes: load.bytes,
    ms: load.ms,
    errors: load.errors,
    upstreamRequests: upstreamTraffic(pypi).requests,
    maxDownloadsPerFile: Math.max(0, ...counts),
    filesNotDownloadedOnce: counts.filter((c) => c !== 1).length,
    peakRss,
  };
}

/** Every client fetches every project page and every file of `wheels`, each in its own order. */
function clientLists(proxy: ProxyProcess, wheels: BuiltWheel[], clients: number): string[][] {
  const projects = [...new Set(wheels.map((w) => w.project))];
  const urls = [...projects.map((p) => `${proxy.indexUrl}${p}/`), ...wheels.map((w) => fileUrl(proxy, w))];
  return Array.from({ length: clients }, (_, i) => shuffled(urls, 7919 * (i + 1)));
}

async function corpusPhases(
  ctx: BenchContext,
  pypi: FakePypi,
  dir: string,
  clients: number,
): Promise<Phase[]> {
  const proxy = await startProxyProcess({
    store: join(dir, 'store-corpus'),
    upstreamIndexUrl: pypi.indexUrl,
    policy: 'revalidate',
    workDir: ctx.root,
  });
  try {
    const wheels = ctx.corpus.wheels;
    const lists = clientLists(proxy, wheels, clients);
    const expected = new Map(wheels.map((w) => [fileUrl(proxy, w), w.sha256]));
    const cold = await phase('whole corpus, cold', pypi, proxy, lists, wheels, expected);
    ctx.log(
      `run 4: cold: ${cold.errors} errors, max ${cold.maxDownloadsPerFile} downloads/file, ${formatMs(cold.ms)}`,
    );
    const warm = await phase('whole corpus, warm', pypi, proxy, lists, wheels, expected);
    ctx.log(`run 4: warm: ${warm.errors} errors, ${formatMs(warm.ms)}`);
    return [cold, warm];
  } finally {
    await proxy.stop();
  }
}

/** `clients` at once on one file, cold then warm, on a fresh proxy: how memory follows file size. */
async function oneFilePhases(
  ctx: BenchContext,
  pypi: FakePypi,
  dir: string,
  wheel: BuiltWheel,
  clients: number,
): Promise<{ phases: Phase[]; hwm: number }> {
  const proxy = await startProxyProcess({
    store: join(dir, `store-${wheel.project}`),
    upstreamIndexUrl: pypi.indexUrl,
    policy: 'revalidate',
    workDir: ctx.root,
  });
  try {
    const url = fileUrl(proxy, wheel);
    const lists = Array.from({ length: clients }, () => [url]);
    const expected = new Map([[url, wheel.sha256]]);
    const label = `${clients} clients, one ${formatBytes(wheel.size)} file`;
    const cold = await phase(`${label}, cold`, pypi, proxy, lists, [wheel], expected);
    const warm = await phase(`${label}, warm`, pypi, proxy, lists, [wheel], expected);
    return { phases: [cold, warm], hwm: await proxy.peakRss() };
  } finally {
    await proxy.stop();
    await rm(join(dir, `store-${wheel.project}`), { recursive: true, force: true });
  }
}

export async function runConcurrency(ctx: BenchContext): Promise<Omit<RunReport, 'durationMs'>> {
  const clients = ctx.quick ? 20 : 100;
  const oneFileClients = ctx.quick ? 8 : 20;
  const dir = await ctx.tempDir('concurrency');
  const huge = await buildHugeWheel(dir, ctx.quick ? 64 * MB : 512 * MB);
  const largest = ctx.corpus.wheels.reduce((a, b) => (b.size > a.size ? b : a));
  const pypi = await ctx.startPypi({ wheels: [...ctx.corpus.wheels, huge] });
  let phases: Phase[] = [];
  let largeHwm = 0;
  let hugeHwm = 0;
  try {
    phases = await corpusPhases(ctx, pypi, dir, clients);
    const large = await oneFilePhases(ctx, pypi, dir, largest, oneFileClients);
    const big = await oneFilePhases(ctx, pypi, dir, huge, oneFileClients);
    largeHwm = large.hwm;
    hugeHwm = big.hwm;
    phases.push(...large.phases, ...big.phases);
  } finally {
    await pypi.stop();
    await rm(dir, { recursive: true, force: true });
  }
  const corpusPhasesOnly = phases.slice(0, 2);
  const errors = phases.reduce((sum, p) => sum + p.errors, 0);
  const coldPhases = phases.filter((p) => p.phase.endsWith('cold'));
  const peak = Math.max(...phases.map((p) => p.peakRss));
  const flat = hugeHwm <= largeHwm * 1.25 + 16 * MB;
  return {
    id: 'run4',
    title: 'Run 4: concurrency and memory',
    method: [
      `One dist/proxy.js process on an empty store (revalidate policy). ${clients} concurrent keep-alive clients each fetch every project page and every file of the corpus (${ctx.corpus.wheels.length} wheels, ${formatBytes(ctx.corpus.totalBytes)}) in their own shuffled order: cold, then the same again warm. A response is an error when its status is not 200, it ends short of its Content-Length, or its sha256 is wrong.`,
      `Memory: the proxy's resident set sampled every 50 ms from /proc (VmRSS) during each phase; VmHWM of the process at the end. Then a fresh proxy each for ${oneFileClients} clients on one file at once, cold then warm: the largest corpus wheel (${formatBytes(largest.size)}) and a ${formatBytes(huge.size)} wheel. Flat means the ${formatBytes(huge.size)} file's peak is within 1.25x + 16 MB of the ${formatBytes(largest.size)} file's.`,
      'Upstream downloads per file are counted by the stand-in (GETs on the files origin for that file name).',
    ],
    tables: [
      {
        columns: [
          'phase',
          'clients',
          'responses',
          'bytes served',
          'time',
          'errors',
          'upstream requests',
          'most downloads of one file',
          'files not downloaded exactly once',
          'peak RSS',
        ],
        rows: phases.map((p) => [
          p.phase,
          p.clients,
          p.requests,
          formatBytes(p.bytes),
          formatMs(p.ms),
          p.errors,
          p.upstreamRequests,
          p.maxDownloadsPerFile,
          p.phase.endsWith('cold') ? p.filesNotDownloadedOnce : '—',
          formatBytes(p.peakRss),
        ]),
      },
    ],
    goals: [
      { goal: '0 errors', met: errors === 0, detail: `${errors} errors` },
      {
        goal: 'exactly 1 upstream download per file, cold',
        met: coldPhases.every((p) => p.filesNotDownloadedOnce === 0),
        detail: coldPhases
          .map((p) => `${p.phase}: max ${p.maxDownloadsPerFile}, ${p.filesNotDownloadedOnce} not once`)
          .join('; '),
      },
      {
        goal: 'peak RSS under 150 MB',
        met: peak < 150 * 1000 * 1000,
        detail: `peak ${formatBytes(peak)} (whole corpus: ${corpusPhasesOnly.map((p) => formatBytes(p.peakRss)).join(' cold, ')} warm)`,
      },
      {
        goal: `RSS flat with a ${formatBytes(huge.size)} file`,
        met: flat,
        detail: `VmHWM ${formatBytes(hugeHwm)} with the ${formatBytes(huge.size)} file against ${formatBytes(largeHwm)} with the ${formatBytes(largest.size)} one`,
      },
    ],
    notes: [],
    data: { phases, largeHwm, hugeHwm },
  };
}
