// The soak: pip through the proxy while one file request in three goes wrong upstream; the
// proxy killed mid-download and restarted on the same store; upstream down on a warm store.
import { rm } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import type { FakePypi, Fault } from '../../__tests__/support/fake-pypi.js';
import { fileHref } from '../../src/proxy/http/routes.js';
import type { IndexPolicy } from '../../src/proxy/index.js';
import { type BenchContext, type PipJobResult, pipJob, pipJobThroughProxy } from '../context.js';
import type { RunReport, Table } from '../report-model.js';
import { getOnce } from '../support/http-load.js';
import { startProxyProcess } from '../support/proxy-process.js';
import { auditStore, type Outcome, outcomeOf } from '../support/soak-checks.js';
import { formatBytes, formatMs } from '../support/stats.js';
import { runStallScenarios } from './soak-stalls.js';

const FAULTS: Fault[] = ['status-503', 'reset-mid-body', 'truncated-body', 'slow', 'wrong-bytes'];

/**
 * One rule per fault kind. The plan tries rules in order, so rates 1/15, 1/14, ... 1/11 give
 * each kind 1/15 of all file requests and one in three overall.
 */
function injectFaults(pypi: FakePypi): void {
  for (const [i, fault] of FAULTS.entries()) pypi.injectFault({ fault, rate: 1 / (15 - i) });
}

interface SoakRound {
  round: string;
  outcomes: { outcome: Outcome; error: string; ms: number }[];
  store: { files: number; bad: number; temp: number };
}

async function faultRounds(
  ctx: BenchContext,
  dir: string,
): Promise<{ rounds: SoakRound[]; fileRequests: number }> {
  const pypi = await ctx.startPypi({ slowFaultMs: 1500, seed: 33 });
  injectFaults(pypi);
  const rounds: SoakRound[] = [];
  // Two rounds: the whole soak (with its stall scenarios) stays near a quarter of an hour.
  const plan = ctx.quick ? [1, 2] : [1, 3];
  try {
    for (const [i, parallel] of plan.entries()) {
      const store = join(dir, `soak-store-${i}`);
      const proxy = await startProxyProcess({
        store,
        upstreamIndexUrl: pypi.indexUrl,
        policy: 'revalidate',
        workDir: ctx.root,
      });
      // A failed job is re-run on the same store (as one re-runs a CI job), up to three attempts.
      const attemptsOf = async (lockIndex: number) => {
        const attempts: PipJobResult[] = [];
        do attempts.push(await pipJob(ctx, { indexUrl: proxy.indexUrl, lockIndex }));
        while (attempts[attempts.length - 1].code !== 0 && attempts.length < 3);
        return attempts;
      };
      const jobs = (
        await Promise.all(
          Array.from({ length: parallel }, (_, k) => attemptsOf((i + k) % ctx.corpus.lockfiles.length)),
        )
      ).flat();
      await proxy.stop();
      const round = {
        round: `${parallel} pip install${parallel > 1 ? 's at once' : ''}, empty store, a failed job re-run on the same store, 3 attempts at most`,
        outcomes: jobs.map((job) => ({ ...outcomeOf(job), ms: job.ms })),
        store: await auditStore(store),
      };
      ctx.log(
        `soak: ${round.round}: ${round.outcomes.map((o) => o.outcome).join(', ')}; store ${round.store.files} files, ${round.store.bad} bad`,
      );
      rounds.push(round);
      await rm(store, { recursive: true, force: true });
    }
  } finally {
    await pypi.stop();
  }
  return { rounds, fileRequests: pypi.requests.filter((r) => r.origin === 'files').length };
}

interface KillResult {
  clientBytes: number;
  fileSize: number;
  clientComplete: boolean;
  clientError: string;
  afterKill: { files: number; bad: number; temp: number };
  afterRestart: { complete: boolean; shaOk: boolean; status: number };
  storeAtEnd: { files: number; bad: number; temp: number };
}

async function killMidDownload(ctx: BenchContext, dir: string): Promise<KillResult> {
  const pypi = await ctx.startPypi();
  const store = join(dir, 'kill-store');
  const wheel = ctx.corpus.wheels.reduce((a, b) => (b.size > a.size ? b : a));
  try {
    const proxy = await startProxyProcess({
      store,
      upstreamIndexUrl: pypi.indexUrl,
      policy: 'revalidate',
      workDir: ctx.root,
    });
    const url = `${proxy.url}${fileHref('pypi', wheel.project, wheel.sha256, wheel.filename)}`;
    const agent = new http.Agent({ keepAlive: false });
    const fetching = getOnce(url, agent, { hash: true });
    // Kill once about a third of the file went through the proxy (the upstream is bandwidth-capped).
    const killAt = Math.floor(wheel.size / 3);
    for (let waited = 0; waited < 60_000; waited += 20) {
      const stats = await proxy.stats().catch(() => undefined);
      if ((stats?.upstreamBytes ?? 0) >= killAt) break;
      await new Promise((done) => setTimeout(done, 20));
    }
    await proxy.kill();
    const client = await fetching;
    const afterKill = await auditStore(store);
    const restarted = await startProxyProcess({
      store,
      upstreamIndexUrl: pypi.indexUrl,
      policy: 'revalidate',
      workDir: ctx.root,
    });
    const again = await getOnce(url.replace(proxy.url, restarted.url), new http.Agent(), { hash: true });
    await restarted.stop();
    return {
      clientBytes: client.bytes,
      fileSize: wheel.size,
      clientComplete: client.complete && client.sha256 === wheel.sha256,
      clientError: client.error ?? (client.complete ? '' : 'body shorter than Content-Length'),
      afterKill,
      afterRestart: { complete: again.complete, shaOk: again.sha256 === wheel.sha256, status: again.status },
      storeAtEnd: await auditStore(store),
    };
  } finally {
    await pypi.stop();
    await rm(store, { recursive: true, force: true });
  }
}

async function upstreamDown(
  ctx: BenchContext,
  dir: string,
): Promise<{ policy: IndexPolicy; outcome: Outcome; error: string; ms: number }[]> {
  const pypi = await ctx.startPypi();
  const store = join(dir, 'down-store');
  const withProxy = (policy: IndexPolicy) =>
    pipJobThroughProxy(ctx, { store, upstreamIndexUrl: pypi.indexUrl, policy });
  try {
    await withProxy('revalidate'); // fills the store
    pypi.setDown(true);
    const results = [];
    for (const policy of ['revalidate', 'frozen'] as IndexPolicy[]) {
      const job = await withProxy(policy);
      results.push({ policy, ...outcomeOf(job), ms: job.ms });
    }
    return results;
  } finally {
    await pypi.stop();
    await rm(store, { recursive: true, force: true });
  }
}

export async function runSoak(ctx: BenchContext): Promise<Omit<RunReport, 'durationMs'>> {
  const dir = await ctx.tempDir('soak');
  const faults = await faultRounds(ctx, dir);
  const kill = await killMidDownload(ctx, dir);
  ctx.log(
    `soak: kill: client got ${kill.clientBytes}/${kill.fileSize}, after restart complete=${kill.afterRestart.complete}`,
  );
  const down = await upstreamDown(ctx, dir);
  ctx.log(`soak: upstream down: ${down.map((d) => `${d.policy} ${d.outcome}`).join(', ')}`);
  const stalls = await runStallScenarios(ctx, await ctx.tempDir('soak-stalls'));
  await rm(dir, { recursive: true, force: true });

  const outcomes = faults.rounds.flatMap((r) => r.outcomes);
  const badStored =
    faults.rounds.reduce((sum, r) => sum + r.store.bad, 0) +
    kill.afterKill.bad +
    kill.storeAtEnd.bad +
    stalls.badStored;
  const tables: Table[] = [
    {
      caption: 'pip through the proxy, one upstream file request in three faulty',
      columns: [
        'round',
        'pip outcomes',
        'install times',
        'first error line',
        'stored files',
        'stored files with a wrong sha256',
        'left in tmp/',
      ],
      rows: faults.rounds.map((r) => [
        r.round,
        r.outcomes.map((o) => o.outcome).join('; '),
        r.outcomes.map((o) => formatMs(o.ms)).join('; '),
        r.outcomes
          .map((o) => o.error)
          .filter(Boolean)
          .join(' / ') || '—',
        r.store.files,
        r.store.bad,
        r.store.temp,
      ]),
    },
    {
      caption: 'Proxy killed with SIGKILL mid-download, restarted on the same store',
      columns: ['check', 'result'],
      rows: [
        [
          'client of the killed proxy',
          `${formatBytes(kill.clientBytes)} of ${formatBytes(kill.fileSize)}, ${kill.clientComplete ? 'COMPLETE (should not be)' : `cut off (${kill.clientError})`}`,
        ],
        [
          'store right after the kill',
          `${kill.afterKill.files} files (${kill.afterKill.bad} with a wrong sha256), ${kill.afterKill.temp} partial file(s) in tmp/`,
        ],
        [
          'same file from the restarted proxy',
          `status ${kill.afterRestart.status}, ${kill.afterRestart.complete ? 'complete' : 'incomplete'}, sha256 ${kill.afterRestart.shaOk ? 'ok' : 'WRONG'}`,
        ],
        [
          'store at the end',
          `${kill.storeAtEnd.files} files, ${kill.storeAtEnd.bad} with a wrong sha256, ${kill.storeAtEnd.temp} in tmp/`,
        ],
      ],
    },
    {
      caption: 'Upstream down (every connection cut), store warm from one earlier job',
      columns: ['index policy', 'pip outcome', 'install time', 'error'],
      rows: down.map((d) => [d.policy, d.outcome, formatMs(d.ms), d.error || '—']),
    },
  ];
  return {
    id: 'soak',
    title:
      'The soak: faults, a killed proxy, upstream down, hung and trickling upstreams, a full store, hostile pages',
    method: [
      `Faults: the stand-in breaks file requests (wheels and .metadata) at random with a fixed seed: 503, reset mid-body, truncated body (Connection: close), slow (headers, then 1.5 s before the body) and wrong bytes (one byte flipped), each 1/15 of requests, one in three in all. Each round starts a proxy on an empty store; pip installs with \`--no-cache-dir\`. Clear error: pip exits non-zero with an \`ERROR:\` line and no Python traceback. After each round every stored file is hashed against its name.`,
      'Kill: a client downloads the largest wheel through the proxy; once a third of it came from upstream the proxy gets SIGKILL; the store is audited, a new proxy is started on it and the same file is fetched again.',
      'Upstream down: the stand-in cuts every connection; new proxy processes on a store filled by one earlier job serve pip.',
      ...stalls.method,
    ],
    tables: [...tables, ...stalls.tables],
    goals: [
      {
        goal: 'every pip install succeeds or fails with a clear error',
        met: outcomes.every((o) => o.outcome !== 'failed unclearly'),
        detail: `${outcomes.filter((o) => o.outcome === 'succeeded').length} succeeded, ${outcomes.filter((o) => o.outcome === 'failed with a clear error').length} failed clearly, ${outcomes.filter((o) => o.outcome === 'failed unclearly').length} unclearly; ${faults.fileRequests} upstream file requests in all`,
      },
      {
        goal: 'the store never holds a file with a wrong sha256',
        met: badStored === 0,
        detail: `${badStored} bad files found`,
      },
      {
        goal: 'SIGKILL mid-download: no partial file served',
        met:
          !kill.clientComplete &&
          kill.afterKill.bad === 0 &&
          kill.afterRestart.complete &&
          kill.afterRestart.shaOk,
        detail: `killed client ${kill.clientComplete ? 'saw a complete body' : 'saw a cut-off body'}; restarted proxy served ${kill.afterRestart.shaOk ? 'the right bytes' : 'wrong bytes'}`,
      },
      {
        goal: 'upstream down on a warm store: installs succeed',
        met: down.every((d) => d.outcome === 'succeeded'),
        detail: down.map((d) => `${d.policy}: ${d.outcome}`).join('; '),
      },
      ...stalls.goals,
    ],
    notes: [],
    data: { faults, kill, down, stalls: stalls.data },
  };
}
