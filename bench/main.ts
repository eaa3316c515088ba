// `npm run bench`: builds the corpus, runs every benchmark in turn, writes results.json and
// regenerates BENCHMARKS.md from it. Flags:
//   --quick          small corpus, fewer rounds and clients (about two minutes); writes to bench/results/
//   --only=a,b       only these runs (ids: run1..run8, lockfile, soak, docker); the others keep their last figures
//   --report         no measuring: rewrite the report from the last results.json
import { setMaxListeners } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchContext, createContext, type UpstreamCost } from './context.js';
import { buildCorpus, FULL_SHAPE, QUICK_SHAPE } from './corpus.js';
import { reportPaths, writeReport } from './report.js';
import type { BenchResults, RunReport } from './report-model.js';
import { runConcurrency } from './runs/concurrency.js';
import { runDockerBuilds } from './runs/docker-builds.js';
import { runKeyDerivation } from './runs/key-derivation.js';
import { runLockfileInstalls } from './runs/lockfile-installs.js';
import { runMainOverhead } from './runs/main-overhead.js';
import { runPerRequest } from './runs/per-request.js';
import { runSavedEntry } from './runs/saved-entry.js';
import { runSoak } from './runs/soak.js';
import { runUpstreamPerJob } from './runs/upstream-per-job.js';
import { runVersusNginx } from './runs/versus-nginx.js';
import { runWarmInstall } from './runs/warm-install.js';
import { describeMachine } from './support/machine.js';
import { REPO_ROOT } from './support/proxy-process.js';
import { formatBytes, formatMs } from './support/stats.js';

type Run = (ctx: BenchContext) => Promise<Omit<RunReport, 'durationMs'>>;

const RUNS: [string, Run][] = [
  ['run1', runUpstreamPerJob],
  ['run2', runWarmInstall],
  ['run3', runVersusNginx],
  ['run4', runConcurrency],
  ['run5', runKeyDerivation],
  ['run6', runMainOverhead],
  ['run7', runSavedEntry],
  ['run8', runPerRequest],
  ['lockfile', runLockfileInstalls],
  ['soak', runSoak],
  ['docker', runDockerBuilds],
];

const UPSTREAM: UpstreamCost = { latencyMs: 30, bytesPerSecond: 40_000_000 };

function parseArgs(argv: string[]): { quick: boolean; only?: string[]; reportOnly: boolean } {
  const args = { quick: false, only: undefined as string[] | undefined, reportOnly: false };
  for (const arg of argv) {
    if (arg === '--quick' || arg === '--smoke') args.quick = true;
    else if (arg === '--report') args.reportOnly = true;
    else if (arg.startsWith('--only=')) args.only = arg.slice('--only='.length).split(',');
    else throw new Error(`unknown option ${arg} (use --quick, --only=run1,run2, --report)`);
  }
  const known = new Set(RUNS.map(([id]) => id));
  const unknown = args.only?.filter((id) => !known.has(id)) ?? [];
  if (unknown.length > 0)
    throw new Error(`unknown run(s) ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
  return args;
}

/** With --only, the other runs' figures are kept from the last results.json of the same mode. */
async function mergeEarlier(results: BenchResults, path: string): Promise<void> {
  const earlier = await readFile(path, 'utf8').then(
    (text) => JSON.parse(text) as BenchResults,
    () => undefined,
  );
  if (!earlier || earlier.mode !== results.mode) return;
  const fresh = new Map(results.runs.map((run) => [run.id, run]));
  const kept = new Map(earlier.runs.map((run) => [run.id, run]));
  results.runs = RUNS.map(([id]) => fresh.get(id) ?? kept.get(id)).filter((run) => run !== undefined);
  results.totalMs = results.runs.reduce((sum, run) => sum + run.durationMs, 0);
  results.startedAt = earlier.startedAt;
}

function log(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

function failedRun(id: string, error: unknown, durationMs: number): RunReport {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return {
    id,
    title: `${id}: failed`,
    method: [],
    tables: [],
    goals: [{ goal: `${id} completes`, met: false, detail: message.split('\n')[0] }],
    notes: ['```', message.slice(0, 3000), '```'],
    durationMs,
  };
}

export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const paths = reportPaths(REPO_ROOT, args.quick);
  if (args.reportOnly) {
    const results = JSON.parse(await readFile(paths.results, 'utf8')) as BenchResults;
    await writeReport(results, paths.markdown, paths.chart, REPO_ROOT);
    log(`wrote ${paths.markdown}`);
    return 0;
  }
  // The stand-in waits on one AbortSignal per request; a hundred clients exceed the default of 10.
  setMaxListeners(10_000);
  const started = performance.now();
  const root = await mkdtemp(join(tmpdir(), 'pypi-cache-bench-'));
  const cleanup = () => rm(root, { recursive: true, force: true });
  process.once('SIGINT', () => {
    cleanup().finally(() => process.exit(130));
  });
  try {
    log(`building the ${args.quick ? 'quick' : 'full'} corpus in ${root}`);
    const shape = args.quick ? QUICK_SHAPE : FULL_SHAPE;
    const corpus = await buildCorpus(join(root, 'corpus'), shape);
    const sizes = corpus.wheels.map((w) => w.size);
    log(`corpus: ${corpus.wheels.length} wheels, ${formatBytes(corpus.totalBytes)}`);
    const ctx = createContext({ quick: args.quick, root, corpus, upstream: UPSTREAM, log });
    const results: BenchResults = {
      startedAt: new Date().toISOString(),
      mode: args.quick ? 'quick' : 'full',
      machine: await describeMachine(),
      corpus: {
        wheels: corpus.wheels.length,
        projects: new Set(corpus.wheels.map((w) => w.project)).size,
        'total size': formatBytes(corpus.totalBytes),
        'smallest wheel': formatBytes(Math.min(...sizes)),
        'largest wheel': formatBytes(Math.max(...sizes)),
        'wheels over 10 MB': sizes.filter((s) => s > 10_000_000).length,
        'packages per lockfile': corpus.wheelsOf(0).length,
        lockfiles: corpus.lockfiles.length,
      },
      upstream: UPSTREAM,
      runs: [],
      totalMs: 0,
    };
    for (const [id, run] of RUNS) {
      if (args.only && !args.only.includes(id)) continue;
      log(`${id}: start`);
      const runStarted = performance.now();
      try {
        results.runs.push({ ...(await run(ctx)), durationMs: performance.now() - runStarted });
      } catch (error: unknown) {
        log(`${id}: FAILED: ${error instanceof Error ? error.message : String(error)}`);
        results.runs.push(failedRun(id, error, performance.now() - runStarted));
      }
      log(`${id}: done in ${formatMs(performance.now() - runStarted)}`);
    }
    results.totalMs = performance.now() - started;
    if (args.only) await mergeEarlier(results, paths.results);
    await writeFile(paths.results, `${JSON.stringify(results, null, 2)}\n`);
    await writeReport(results, paths.markdown, paths.chart, REPO_ROOT);
    log(`wrote ${paths.results} and ${paths.markdown} in ${formatMs(results.totalMs)}`);
    return results.runs.some((run) => run.goals.some((g) => g.goal.endsWith('completes'))) ? 1 : 0;
  } finally {
    await cleanup();
  }
}
