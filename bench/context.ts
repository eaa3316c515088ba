// What every run gets: the mode, the corpus, a fresh PyPI stand-in with the upstream's costs,
// and real pip jobs in fresh venvs isolated from this machine's pip configuration.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FakePypi, type FakePypiOptions } from '../__tests__/support/fake-pypi.js';
import { createVenv, isolatedPipEnv, pipInstall } from '../__tests__/support/pip.js';
import type { IndexPolicy } from '../src/proxy/index.js';
import type { Corpus } from './corpus.js';
import type { BenchPip } from './support/pip-version.js';
import { runCommand } from './support/processes.js';
import { startProxyProcess } from './support/proxy-process.js';

export interface UpstreamCost {
  latencyMs: number;
  bytesPerSecond: number;
}

export interface BenchContext {
  quick: boolean;
  /** Rounds per timed figure; the report gives medians. */
  rounds: number;
  root: string;
  corpus: Corpus;
  upstream: UpstreamCost;
  log(line: string): void;
  /** A started stand-in serving the corpus; the caller stops it. */
  startPypi(options?: Partial<FakePypiOptions>): Promise<FakePypi>;
  /** A fresh, unique folder under the bench root. */
  tempDir(name: string): Promise<string>;
}

export function createContext(options: {
  quick: boolean;
  root: string;
  corpus: Corpus;
  upstream: UpstreamCost;
  log(line: string): void;
}): BenchContext {
  let serial = 0;
  return {
    ...options,
    rounds: options.quick ? 1 : 3,
    async startPypi(extra = {}) {
      const pypi = new FakePypi({
        wheels: options.corpus.wheels,
        latencyMs: options.upstream.latencyMs,
        bytesPerSecond: options.upstream.bytesPerSecond,
        ...extra,
      });
      await pypi.start();
      return pypi;
    },
    async tempDir(name: string) {
      serial += 1;
      const dir = join(options.root, `${String(serial).padStart(3, '0')}-${name}`);
      await mkdir(dir, { recursive: true });
      return dir;
    },
  };
}

export interface PipJobResult {
  code: number;
  ms: number;
  stderr: string;
}

/**
 * `pip install -r <lockfile>` into a fresh venv (made before the clock starts, removed after),
 * or `pip download -r <lockfile> -d <fresh folder>` (no unpacking: what the server costs pip).
 * The machine's pip unless `pip` names another (runs 2 and 3: pip 26, pip-version.ts). No
 * cacheDir: pip runs with --no-cache-dir.
 */
export async function pipJob(
  ctx: BenchContext,
  options: {
    lockIndex?: number;
    indexUrl?: string;
    findLinks?: string;
    cacheDir?: string;
    /** pip caches HTTP answers only from https or trusted hosts. */
    trustHost?: boolean;
    env?: Record<string, string>;
    extraArgs?: string[];
    /** Default install; download needs `pip`. */
    command?: 'install' | 'download';
    pip?: BenchPip;
  },
): Promise<PipJobResult> {
  const dir = await ctx.tempDir('pip-job');
  const lockfile = join(dir, 'requirements.txt');
  await writeFile(lockfile, ctx.corpus.lockfiles[options.lockIndex ?? 0]);
  const download = options.command === 'download';
  const python = download ? '' : await createVenv(join(dir, 'venv'));
  const source = options.findLinks
    ? ['--no-index', '--find-links', options.findLinks]
    : ['--index-url', options.indexUrl ?? ''];
  const args = [
    ...source,
    ...(options.trustHost ? ['--trusted-host', '127.0.0.1'] : []),
    ...(options.extraArgs ?? []),
    '-r',
    lockfile,
  ];
  const cacheArgs = options.cacheDir ? ['--cache-dir', options.cacheDir] : ['--no-cache-dir'];
  const target = download ? ['download', '-d', join(dir, 'downloads')] : ['--python', python, 'install'];
  const env = isolatedPipEnv(options.env);
  const started = performance.now();
  const result = options.pip
    ? await runCommand(options.pip.python, ['-m', 'pip', ...target, ...cacheArgs, ...args], { env })
    : await pipInstall({ python, args, cacheDir: options.cacheDir, env });
  const ms = performance.now() - started;
  await rm(dir, { recursive: true, force: true });
  if (result.code !== 0)
    ctx.log(`pip failed (${result.code}): ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return { code: result.code, ms, stderr: result.stderr };
}

/** pipJob through a new dist/proxy.js process on `store`, as each CI job starts its own proxy. */
export async function pipJobThroughProxy(
  ctx: BenchContext,
  options: {
    store: string;
    upstreamIndexUrl: string;
    policy: IndexPolicy;
    command?: 'install' | 'download';
    pip?: BenchPip;
  },
): Promise<PipJobResult> {
  const proxy = await startProxyProcess({ ...options, workDir: ctx.root });
  try {
    return await pipJob(ctx, { indexUrl: proxy.indexUrl, command: options.command, pip: options.pip });
  } finally {
    await proxy.stop();
  }
}

/** Upstream traffic recorded by the stand-in since its last reset. */
export function upstreamTraffic(pypi: FakePypi): {
  requests: number;
  pages: number;
  metadata: number;
  files: number;
  bytes: number;
} {
  const counts = pypi.counts();
  return {
    requests: counts.total,
    pages: counts.pages,
    metadata: counts.metadata,
    files: counts.files,
    bytes: pypi.requests.reduce((sum, r) => sum + r.bytes, 0),
  };
}
