// The soak's second half (issue 9): upstreams that stall instead of failing, a store on a full
// disk, and hostile pages. What a job sees: how long pip takes and whether it succeeded or
// failed clearly; what the store keeps: no file with a wrong sha256; what the daemon does under
// hostile input: the longest event-loop stall (its own monitorEventLoopDelay, in /-/stats) and
// the slowest /-/health answer while the hostile pages load.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Fault } from '../../__tests__/support/fake-pypi.js';
import { Tmpfs, tmpfsUnavailable } from '../../__tests__/support/tmpfs.js';
import type { IndexPolicy } from '../../src/proxy/index.js';
import { type BenchContext, pipJob, pipJobThroughProxy } from '../context.js';
import type { Goal, Table } from '../report-model.js';
import { startProxyProcess } from '../support/proxy-process.js';
import { auditStore, type Outcome, outcomeOf } from '../support/soak-checks.js';
import { formatMs } from '../support/stats.js';

interface Install {
  scenario: string;
  outcome: Outcome;
  error: string;
  ms: number;
  bad: number;
  files: number;
}

/** Every request to both origins hangs or trickles from now on. */
function stallEverything(pypi: Awaited<ReturnType<BenchContext['startPypi']>>, fault: Fault): void {
  pypi.injectFault({ path: /^\//, fault });
}

async function stalledUpstreams(ctx: BenchContext, dir: string): Promise<Install[]> {
  const results: Install[] = [];
  for (const fault of ['hang', 'trickle'] as Fault[]) {
    const pypi = await ctx.startPypi();
    const store = join(dir, `stall-${fault}`);
    try {
      await pipJobThroughProxy(ctx, { store, upstreamIndexUrl: pypi.indexUrl, policy: 'revalidate' });
      stallEverything(pypi, fault);
      const warm = await pipJobThroughProxy(ctx, {
        store,
        upstreamIndexUrl: pypi.indexUrl,
        policy: 'revalidate' as IndexPolicy,
      });
      results.push({
        scenario: `${fault === 'hang' ? 'hung' : 'trickling'} upstream, store warm from one earlier job`,
        ...outcomeOf(warm),
        ms: warm.ms,
        ...(await auditStore(store)),
      });
      // Cold: nothing to fall back to, so the install must fail, clearly and before pip's timeout.
      const coldStore = join(dir, `stall-${fault}-cold`);
      const cold = await pipJobThroughProxy(ctx, {
        store: coldStore,
        upstreamIndexUrl: pypi.indexUrl,
        policy: 'revalidate',
      });
      results.push({
        scenario: `${fault === 'hang' ? 'hung' : 'trickling'} upstream, empty store`,
        ...outcomeOf(cold),
        ms: cold.ms,
        ...(await auditStore(coldStore)),
      });
    } finally {
      await pypi.stop();
    }
  }
  return results;
}

/** pip with the store on a tmpfs with no room left: nothing can be stored, all must be served. */
async function fullDisk(ctx: BenchContext, dir: string): Promise<Install | string> {
  const unavailable = tmpfsUnavailable();
  if (unavailable) return `not measured: cannot mount a tmpfs here (${unavailable})`;
  const pypi = await ctx.startPypi();
  const store = join(dir, 'full-disk-store');
  await mkdir(store, { recursive: true });
  const tmpfs = Tmpfs.mount(store, 64 * 1024 * 1024);
  try {
    const proxy = await startProxyProcess({
      store,
      upstreamIndexUrl: pypi.indexUrl,
      policy: 'revalidate',
      workDir: ctx.root,
    });
    await tmpfs.setFreeBytes(0);
    const job = await pipJob(ctx, { indexUrl: proxy.indexUrl });
    await proxy.stop();
    return {
      scenario: 'store on a full disk (tmpfs, 0 bytes free)',
      ...outcomeOf(job),
      ms: job.ms,
      ...(await auditStore(store)),
    };
  } finally {
    await pypi.stop();
    tmpfs.unmount();
  }
}

const HOSTILE_BYTES = 8 * 1024 * 1024;
// The constructs the old backtracking scanner choked on (__tests__/proxy/hostile-pages.test.ts),
// each a whole page of HOSTILE_BYTES, well inside the 64 MiB page bound.
const HOSTILE_PAGES: [string, () => string][] = [
  ['<a repeated', () => '<a '.repeat(HOSTILE_BYTES / 3)],
  ['<meta repeated', () => '<meta '.repeat(HOSTILE_BYTES / 6)],
  ['unclosed <!--', () => `<!--${'<a href="x">x</a>'.repeat(HOSTILE_BYTES / 17)}`],
  ['<a x> without </a>', () => '<a x>'.repeat(HOSTILE_BYTES / 5)],
];

interface HostileResult {
  pages: number;
  pageBytes: number;
  statuses: number[];
  loopMaxMs: number;
  loopP99Ms: number;
  slowestHealthMs: number;
  healthProbes: number;
  failedProbes: number;
  totalMs: number;
}

async function hostilePages(ctx: BenchContext, dir: string): Promise<HostileResult> {
  const pypi = await ctx.startPypi();
  const copies = ctx.quick ? 1 : 3;
  const projects: string[] = [];
  for (const [i, [, body]] of HOSTILE_PAGES.entries()) {
    const page = body();
    for (let copy = 0; copy < copies; copy++) {
      const project = `hostile-${i}-${copy}`;
      pypi.setRawPage(project, 'text/html', page);
      projects.push(project);
    }
  }
  const proxy = await startProxyProcess({
    store: join(dir, 'hostile-store'),
    upstreamIndexUrl: pypi.indexUrl,
    policy: 'revalidate',
    workDir: ctx.root,
  });
  try {
    let loading = true;
    let slowestHealthMs = 0;
    let healthProbes = 0;
    let failedProbes = 0;
    const probing = (async () => {
      while (loading) {
        const started = performance.now();
        // A fresh connection each time: a failed probe is the daemon's answer, not a stale socket.
        const ok = await fetch(`${proxy.url}/-/health`, { headers: { connection: 'close' } })
          .then((r) => r.arrayBuffer().then(() => r.ok))
          .catch(() => false);
        if (!ok) failedProbes++;
        slowestHealthMs = Math.max(slowestHealthMs, performance.now() - started);
        healthProbes++;
        await new Promise((done) => setTimeout(done, 20));
      }
    })();
    const started = performance.now();
    // Two at a time, as pip and uv fetch pages in parallel.
    const statuses: number[] = [];
    for (let i = 0; i < projects.length; i += 2) {
      const answers = await Promise.all(
        projects.slice(i, i + 2).map((project) =>
          fetch(`${proxy.url}/simple/${project}/`).then(
            async (r) => {
              await r.arrayBuffer();
              return r.status;
            },
            () => 0,
          ),
        ),
      );
      statuses.push(...answers);
    }
    const totalMs = performance.now() - started;
    loading = false;
    await probing;
    const stats = await proxy.stats().catch(() => undefined);
    if (!stats) ctx.log(`soak: hostile pages: no /-/stats from the daemon: ${proxy.stderr().slice(-500)}`);
    return {
      failedProbes,
      pages: projects.length,
      pageBytes: HOSTILE_BYTES,
      statuses,
      loopMaxMs: stats?.eventLoopDelay.maxMs ?? Number.NaN,
      loopP99Ms: stats?.eventLoopDelay.p99Ms ?? Number.NaN,
      slowestHealthMs,
      healthProbes,
      totalMs,
    };
  } finally {
    await proxy.stop();
    await pypi.stop();
  }
}

export interface StallScenarios {
  tables: Table[];
  goals: Goal[];
  method: string[];
  data: unknown;
  badStored: number;
}

export async function runStallScenarios(ctx: BenchContext, dir: string): Promise<StallScenarios> {
  const stalls = await stalledUpstreams(ctx, dir);
  ctx.log(`soak: stalls: ${stalls.map((s) => `${s.scenario} ${s.outcome} ${formatMs(s.ms)}`).join('; ')}`);
  const disk = await fullDisk(ctx, dir);
  ctx.log(`soak: full disk: ${typeof disk === 'string' ? disk : `${disk.outcome} ${formatMs(disk.ms)}`}`);
  const hostile = await hostilePages(ctx, dir);
  ctx.log(
    `soak: hostile pages: loop max ${hostile.loopMaxMs} ms, slowest health ${formatMs(hostile.slowestHealthMs)}`,
  );
  await rm(dir, { recursive: true, force: true });

  const installs = typeof disk === 'string' ? stalls : [...stalls, disk];
  const badStored = installs.reduce((sum, i) => sum + i.bad, 0);
  const hung = stalls.find((s) => s.scenario.startsWith('hung upstream, store warm'));
  const loopBoundMs = 200;
  return {
    method: [
      'Stalls: the stand-in hangs (accepts, never answers) or trickles (headers, then one byte every 2 s) on every request to both origins; a new proxy process on a store filled by one earlier job serves pip (revalidate), then one on an empty store. Pip runs with its default 15 s read timeout.',
      'Full disk: the store is a tmpfs (mounted by the bench, as root) resized to 0 bytes free once the proxy started; pip installs the lockfile through it from an empty store.',
      `Hostile pages: ${HOSTILE_PAGES.length} kinds of ${HOSTILE_BYTES / 1024 / 1024} MiB HTML page (${HOSTILE_PAGES.map(([name]) => name).join(', ')}), ${ctx.quick ? 1 : 3} copies each under different names, fetched two at a time while /-/health is probed every 20 ms; the daemon's own event-loop delay (perf_hooks.monitorEventLoopDelay, reported in /-/stats) since its start.`,
    ],
    tables: [
      {
        caption: 'pip through the proxy with a stalled upstream or a full store',
        columns: [
          'scenario',
          'pip outcome',
          'install time',
          'first error line',
          'stored files',
          'with a wrong sha256',
        ],
        rows: installs.map((i) => [i.scenario, i.outcome, formatMs(i.ms), i.error || '—', i.files, i.bad]),
      },
      {
        caption: 'Hostile pages: how long the daemon stalls',
        columns: ['check', 'result'],
        rows: [
          [
            'pages',
            `${hostile.pages} × ${hostile.pageBytes / 1024 / 1024} MiB, statuses ${[...new Set(hostile.statuses)].join(', ')}`,
          ],
          ['time to load them all', formatMs(hostile.totalMs)],
          ['longest event-loop stall in the daemon', `${hostile.loopMaxMs} ms (p99 ${hostile.loopP99Ms} ms)`],
          [
            'slowest /-/health answer meanwhile',
            `${formatMs(hostile.slowestHealthMs)} (${hostile.healthProbes} probes, ${hostile.failedProbes} failed)`,
          ],
          ...(typeof disk === 'string' ? [['full disk', disk]] : []),
        ],
      },
    ],
    goals: [
      {
        goal: 'hung, trickling upstream or full store: every install succeeds or fails clearly',
        met: installs.every((i) => i.outcome !== 'failed unclearly'),
        detail: installs.map((i) => `${i.scenario}: ${i.outcome} in ${formatMs(i.ms)}`).join('; '),
      },
      {
        goal: 'warm store, hung or trickling upstream: installs succeed inside pip’s timeout budget',
        met: stalls.filter((s) => s.scenario.includes('warm')).every((s) => s.outcome === 'succeeded'),
        detail: `hung: ${hung ? formatMs(hung.ms) : '—'}`,
      },
      {
        goal: 'full store: the install succeeds or fails clearly, nothing wrong is stored',
        met: typeof disk === 'string' ? null : disk.outcome !== 'failed unclearly' && disk.bad === 0,
        detail:
          typeof disk === 'string'
            ? disk
            : `${disk.outcome} in ${formatMs(disk.ms)}, ${disk.files} files stored`,
      },
      {
        goal: `hostile pages: no event-loop stall over ${loopBoundMs} ms for ${HOSTILE_BYTES / 1024 / 1024} MiB pages`,
        met: hostile.loopMaxMs <= loopBoundMs && hostile.failedProbes === 0,
        detail: `longest stall ${hostile.loopMaxMs} ms, slowest health ${formatMs(hostile.slowestHealthMs)}`,
      },
    ],
    data: { stalls, disk, hostile },
    badStored,
  };
}
