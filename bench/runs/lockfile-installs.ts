// Run lockfile: installs that never ask an index (issue 10). pip 26's `pip install -r
// pylock.toml` and a requirements file of `name @ URL` direct references, each as a cold job
// then a warm job, for pip's cache folder alone, this action without the proxy, this action with
// proxy: true as it chooses (auto: index mode for these, pip's cache kept), and this action with
// proxy-mode intercept, where the lock's https://files.pythonhosted.org URLs reach the PyPI
// stand-in only through the daemon (the test-only origin mapping: nothing leaves loopback).
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { jobEnv } from '../../__tests__/support/cache-job.js';
import { FakeCacheService } from '../../__tests__/support/fake-cache-service.js';
import type { FakePypi } from '../../__tests__/support/fake-pypi.js';
import { fakePypiOverTls } from '../../__tests__/support/fake-pypi-tls.js';
import { createVenv, isolatedPipEnv } from '../../__tests__/support/pip.js';
import { RunnerJob } from '../../__tests__/support/runner.js';
import type { BuiltWheel } from '../../__tests__/support/wheels.js';
import { type BenchContext, upstreamTraffic } from '../context.js';
import type { RunReport } from '../report-model.js';
import { LOCK_FILE_NAME, type LockStyle, renderLockFile } from '../support/locked-files.js';
import { type BenchPip, benchPip, WANTED_PIP } from '../support/pip-version.js';
import { runCommand } from '../support/processes.js';
import { formatBytes, formatMs, formatRatio, median, ratio } from '../support/stats.js';

type Scenario = 'pip-cache' | 'action' | 'auto' | 'intercept';

const SCENARIOS: Scenario[] = ['pip-cache', 'action', 'auto', 'intercept'];
const STYLES: LockStyle[] = ['pylock', 'direct-url'];

const SCENARIO_NAME: Record<Scenario, string> = {
  'pip-cache': "pip's cache folder alone",
  action: 'this action, proxy: false',
  auto: 'this action, proxy: true (auto)',
  intercept: 'this action, proxy-mode: intercept',
};

const STYLE_NAME: Record<LockStyle, string> = {
  pylock: '`pip install -r pylock.toml`',
  'direct-url': '`pip install -r requirements.txt` of `name @ URL`',
};

interface JobFigures {
  requests: number;
  files: number;
  pages: number;
  bytes: number;
  installMs: number;
  ok: boolean;
}

interface ScenarioRound {
  style: LockStyle;
  scenario: Scenario;
  round: number;
  cold: JobFigures;
  warm: JobFigures;
  /** The saved entry (the action) or pip's cache folder on disk (pip alone), after the warm job. */
  savedBytes: number;
  /** The proxy's own log line of each job (intercept only). */
  proxyLines: string[];
}

interface LocalRound {
  style: LockStyle;
  round: number;
  installMs: number;
  ok: boolean;
}

interface RunSetup {
  ctx: BenchContext;
  pip: BenchPip;
  pypi: FakePypi;
  service: FakeCacheService;
  wheels: BuiltWheel[];
  /** The daemon's test-only mapping of pypi.org and files.pythonhosted.org to the stand-in. */
  testEnv: Record<string, string>;
}

interface InstallResult {
  code: number;
  ms: number;
  stderr: string;
}

/**
 * One `run: pip install` step with pip 26 into a fresh venv (made before the clock starts):
 * `pip --python <venv> install ARGS -r <lock file>` in `cwd`. No cache flag: pip uses the cache
 * folder its env names (the job's XDG_CACHE_HOME) unless ARGS say otherwise.
 */
async function pipInstallStep(
  setup: RunSetup,
  options: { cwd: string; lockFile: string; args: string[]; env: NodeJS.ProcessEnv },
): Promise<InstallResult> {
  const venvDir = await setup.ctx.tempDir('lockfile-venv');
  const python = await createVenv(join(venvDir, 'venv'));
  const args = ['-m', 'pip', '--python', python, 'install', '--timeout', '15', ...options.args];
  const result = await runCommand(setup.pip.python, [...args, '-r', options.lockFile], {
    env: options.env,
    cwd: options.cwd,
    timeoutMs: 600_000,
  });
  await rm(venvDir, { recursive: true, force: true });
  if (result.code !== 0) {
    setup.ctx.log(
      `lockfile: pip failed (${result.code}): ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`,
    );
  }
  return { code: result.code, ms: result.ms, stderr: result.stderr };
}

/** The stand-in's own https origin (scenarios without the daemon) or files.pythonhosted.org. */
function lockText(setup: RunSetup, style: LockStyle, viaPublicHost: boolean): string {
  const { pypi } = setup;
  return renderLockFile(style, setup.wheels, (w) => {
    const url = pypi.fileUrl(w.filename);
    return viaPublicHost ? url : `${pypi.filesOrigin}${new URL(url).pathname}`;
  });
}

/**
 * Without the daemon pip reaches the stand-in at its loopback address; its certificate names
 * pypi.org / files.pythonhosted.org, so the address is a trusted host (pip then still caches).
 * The index flag keeps any index lookup on the stand-in, where it is counted.
 */
function directArgs(pypi: FakePypi): string[] {
  return ['--index-url', pypi.indexUrl, '--trusted-host', '127.0.0.1'];
}

async function measured(pypi: FakePypi, job: () => Promise<InstallResult>): Promise<JobFigures> {
  pypi.resetRequests();
  const install = await job();
  const traffic = upstreamTraffic(pypi);
  return {
    requests: traffic.requests,
    files: traffic.files,
    pages: traffic.pages,
    bytes: traffic.bytes,
    installMs: install.ms,
    ok: install.code === 0,
  };
}

async function folderBytes(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  let total = 0;
  for (const entry of entries) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

/** (a) actions/cache-like: pip's cache folder kept from the cold job to the warm one, no action. */
async function pipCacheJobs(setup: RunSetup, style: LockStyle, round: number): Promise<ScenarioRound> {
  const dir = await setup.ctx.tempDir(`lockfile-pip-cache-${style}`);
  const lockFile = join(dir, LOCK_FILE_NAME[style]);
  await writeFile(lockFile, lockText(setup, style, false));
  const cacheDir = join(dir, 'pip-cache');
  const job = () =>
    pipInstallStep(setup, {
      cwd: dir,
      lockFile,
      args: ['--cache-dir', cacheDir, ...directArgs(setup.pypi)],
      env: isolatedPipEnv(),
    });
  const cold = await measured(setup.pypi, job);
  const warm = await measured(setup.pypi, job);
  const savedBytes = await folderBytes(cacheDir);
  await rm(dir, { recursive: true, force: true });
  return { style, scenario: 'pip-cache', round, cold, warm, savedBytes, proxyLines: [] };
}

/**
 * (b) and (c): main step, the install step with what main exported, post step, under the runner
 * emulation; XDG_CACHE_HOME emptied before each job (a fresh runner), so the warm job has only
 * what the action restored. Upstream is counted over the whole job.
 */
async function actionJobs(
  setup: RunSetup,
  style: LockStyle,
  scenario: 'action' | 'auto' | 'intercept',
  round: number,
): Promise<ScenarioRound> {
  const dir = await setup.ctx.tempDir(`lockfile-${scenario}-${style}`);
  const workspace = join(dir, 'workspace');
  const xdg = join(dir, 'xdg');
  const lockFile = join(workspace, LOCK_FILE_NAME[style]);
  const intercept = scenario === 'intercept';
  const suffix = `lockfile-${scenario}-${style}-${round}-${Date.now()}`;
  // Port 0: the default port is shared with whatever else runs on the machine (runs 6 and 8 too).
  const inputs: Record<string, string> = {
    installer: 'pip',
    'key-suffix': suffix,
    ...(scenario === 'action' ? {} : { proxy: 'true', 'proxy-port': '0' }),
    // In index mode the daemon's upstream is the stand-in itself (no test-only origin mapping
    // applies there): nothing can leave loopback.
    ...(scenario === 'auto' ? { 'index-url': setup.pypi.indexUrl } : {}),
    ...(intercept ? { 'proxy-mode': 'intercept' } : {}),
  };
  // What the action should choose for these lockfiles (intercept-env.ts).
  const expectedMode = { action: '', auto: 'index', intercept: 'intercept' }[scenario];
  const proxyLines: string[] = [];
  // The cold job's key: the warm job restores that entry and names the next generation (~gN).
  const keys: string[] = [];
  const job = async (): Promise<InstallResult> => {
    await rm(xdg, { recursive: true, force: true });
    const runner = new RunnerJob({
      workspace,
      inputs,
      env: jobEnv(setup.service, { XDG_CACHE_HOME: xdg, ...(intercept ? setup.testEnv : {}) }),
      // One RUNNER_TEMP path per workspace, as on a runner image (see support/action-job.ts).
      runnerTemp: join(dir, 'runner-temp'),
    });
    try {
      const main = await runner.runMain();
      if (main.exitCode !== 0) throw new Error(`main step failed: ${main.stdout}\n${main.stderr}`);
      if ((main.outputs['proxy-mode'] ?? '') !== expectedMode) {
        throw new Error(`proxy-mode output is '${main.outputs['proxy-mode']}', not '${expectedMode}'`);
      }
      keys.push(main.outputs['cache-key']);
      const install = await pipInstallStep(setup, {
        cwd: workspace,
        lockFile,
        // With interception pip keeps its own default index, https://pypi.org/simple/; with the
        // proxy in index mode, the index the action exported (the lock's files go past it).
        args: intercept ? [] : scenario === 'auto' ? ['--trusted-host', '127.0.0.1'] : directArgs(setup.pypi),
        env: runner.stepEnv(),
      });
      const post = await runner.runPost();
      if (post.exitCode !== 0) throw new Error(`post step failed: ${post.stdout}\n${post.stderr}`);
      const line = /PyPI proxy: .*/.exec(post.stdout)?.[0];
      if (line) proxyLines.push(line);
      return install;
    } finally {
      // Also ends the tunnel relay post leaves for later post steps, as the runner does at job end.
      await runner.cleanup();
    }
  };
  await rm(workspace, { recursive: true, force: true });
  await mkdir(workspace, { recursive: true });
  await writeFile(lockFile, lockText(setup, style, intercept));
  const cold = await measured(setup.pypi, job);
  const warm = await measured(setup.pypi, job);
  const savedBytes = setup.service.entries().find((e) => e.key === keys[0])?.size ?? 0;
  await rm(dir, { recursive: true, force: true });
  return { style, scenario, round, cold, warm, savedBytes, proxyLines };
}

/** The physical limit: the same wheels by name from a local folder, no network, no cache. */
async function localFolderJob(setup: RunSetup, style: LockStyle, round: number): Promise<LocalRound> {
  const dir = await setup.ctx.tempDir('lockfile-local');
  const lockFile = join(dir, 'requirements.txt');
  await writeFile(lockFile, setup.ctx.corpus.lockfiles[0]);
  const install = await pipInstallStep(setup, {
    cwd: dir,
    lockFile,
    args: ['--no-cache-dir', '--no-index', '--find-links', setup.ctx.corpus.dir],
    env: isolatedPipEnv(),
  });
  await rm(dir, { recursive: true, force: true });
  return { style, round, installMs: install.ms, ok: install.code === 0 };
}

function runScenario(setup: RunSetup, style: LockStyle, scenario: Scenario, round: number) {
  return scenario === 'pip-cache'
    ? pipCacheJobs(setup, style, round)
    : actionJobs(setup, style, scenario, round);
}

/** Rounds interleaved: every set-up once per round, the order turned by one each round. */
async function measureRounds(setup: RunSetup): Promise<{ jobs: ScenarioRound[]; local: LocalRound[] }> {
  const jobs: ScenarioRound[] = [];
  const local: LocalRound[] = [];
  const rounds = setup.ctx.rounds;
  for (let round = 0; round < rounds; round++) {
    for (const style of STYLES) {
      const turn = round % SCENARIOS.length;
      const order = [...SCENARIOS.slice(turn), ...SCENARIOS.slice(0, turn)];
      local.push(await localFolderJob(setup, style, round));
      for (const scenario of order) {
        const result = await runScenario(setup, style, scenario, round);
        setup.ctx.log(
          `lockfile: round ${round + 1} ${style} ${scenario}: cold ${result.cold.requests} req ${formatMs(result.cold.installMs)}, warm ${result.warm.requests} req ${formatBytes(result.warm.bytes)} ${formatMs(result.warm.installMs)}`,
        );
        jobs.push(result);
      }
    }
  }
  return { jobs, local };
}

/** "3" when every round agrees, "3 (2–4)" when they differ. */
function spread(values: number[], format: (v: number) => string = String): string {
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? format(low) : `${format(median(values))} (${format(low)}–${format(high)})`;
}

function figuresOf(jobs: ScenarioRound[], style: LockStyle, scenario: Scenario): ScenarioRound[] {
  return jobs.filter((j) => j.style === style && j.scenario === scenario);
}

function perJobRows(jobs: ScenarioRound[]): (string | number)[][] {
  return STYLES.flatMap((style) =>
    SCENARIOS.flatMap((scenario) => {
      const rounds = figuresOf(jobs, style, scenario);
      return (['cold', 'warm'] as const).map((phase) => {
        const figures = rounds.map((r) => r[phase]);
        const failed = figures.filter((f) => !f.ok).length;
        return [
          STYLE_NAME[style],
          SCENARIO_NAME[scenario],
          phase,
          spread(figures.map((f) => f.requests)),
          spread(figures.map((f) => f.files)),
          spread(
            figures.map((f) => f.bytes),
            formatBytes,
          ),
          `${formatMs(median(figures.map((f) => f.installMs)))}${failed ? ` (${failed} failed)` : ''}`,
        ];
      });
    }),
  );
}

export async function runLockfileInstalls(ctx: BenchContext): Promise<Omit<RunReport, 'durationMs'>> {
  const pip = await benchPip(ctx.root, ctx.log);
  const wheels = ctx.corpus.wheelsOf(0);
  const wheelBytes = wheels.reduce((sum, w) => sum + w.size, 0);
  const { pypi, testCa } = await fakePypiOverTls({
    wheels: ctx.corpus.wheels,
    latencyMs: ctx.upstream.latencyMs,
    bytesPerSecond: ctx.upstream.bytesPerSecond,
  });
  const service = new FakeCacheService();
  await Promise.all([pypi.start(), service.start()]);
  const caFile = join(await ctx.tempDir('lockfile-test-ca'), 'test-ca.pem');
  await writeFile(caFile, testCa.certPem);
  const setup: RunSetup = {
    ctx,
    pip,
    pypi,
    service,
    wheels,
    testEnv: {
      PYPI_CACHE_PROXY_TEST_ORIGINS: JSON.stringify({
        'pypi.org': pypi.indexOrigin,
        'files.pythonhosted.org': pypi.filesOrigin,
      }),
      PYPI_CACHE_PROXY_TEST_CA: caFile,
    },
  };
  const loadBefore = loadNow();
  let measuredRounds: Awaited<ReturnType<typeof measureRounds>>;
  try {
    measuredRounds = await measureRounds(setup);
  } finally {
    await Promise.all([pypi.stop(), service.stop()]);
  }
  const { jobs, local } = measuredRounds;
  const load = `1-minute load average ${loadBefore} at the start, ${loadNow()} at the end, on ${availableParallelism()} cores shared with other work`;
  return report(pip, { jobs, local, load }, wheels.length, wheelBytes);
}

function loadNow(): string {
  return loadavg()[0].toFixed(2);
}

function report(
  pip: BenchPip,
  { jobs, local, load }: { jobs: ScenarioRound[]; local: LocalRound[]; load: string },
  packages: number,
  wheelBytes: number,
): Omit<RunReport, 'durationMs'> {
  const rounds = new Set(jobs.map((j) => j.round)).size;
  const localMedian = (style: LockStyle) =>
    median(local.filter((l) => l.style === style).map((l) => l.installMs));
  const warmMedian = (style: LockStyle, scenario: Scenario) =>
    median(figuresOf(jobs, style, scenario).map((r) => r.warm.installMs));
  const savedMedian = (style: LockStyle, scenario: Scenario) =>
    median(figuresOf(jobs, style, scenario).map((r) => r.savedBytes));
  const interceptWarm = jobs.filter((j) => j.scenario === 'intercept').map((j) => j.warm);
  const interceptRatios = STYLES.map((style) => ratio(warmMedian(style, 'intercept'), localMedian(style)));
  const entryRatios = STYLES.map((style) => ratio(savedMedian(style, 'intercept'), wheelBytes));
  const coldMedian = (style: LockStyle, scenario: Scenario) =>
    median(figuresOf(jobs, style, scenario).map((r) => r.cold.installMs));
  const autoRatios = STYLES.map((style) => ({
    cold: ratio(coldMedian(style, 'auto'), coldMedian(style, 'action')),
    warm: ratio(warmMedian(style, 'auto'), warmMedian(style, 'action')),
    entry: ratio(savedMedian(style, 'auto'), wheelBytes),
    requests: Math.max(...figuresOf(jobs, style, 'auto').map((r) => r.warm.requests)),
  }));
  const failed =
    jobs.flatMap((j) => [j.cold, j.warm]).filter((f) => !f.ok).length + local.filter((l) => !l.ok).length;
  const proxyLines = STYLES.flatMap((style) => {
    const first = figuresOf(jobs, style, 'intercept')[0];
    return first
      ? first.proxyLines.map((line, i) => `${style}, ${i === 0 ? 'cold' : 'warm'} job: ${line}`)
      : [];
  });
  return {
    id: 'lockfile',
    title: 'Run lockfile: lockfile installs (pylock.toml, direct URLs) through interception',
    method: [
      `pip ${pip.version}${pip.note ? ` (${pip.note})` : " (from the machine's local wheel mirror, in its own venv, run with no pip configuration)"}, \`pip --python <fresh venv> install -r <lock file>\`: lockfile 0 of the corpus (${packages} packages, ${formatBytes(wheelBytes)} of wheels), every file locked by URL, so pip asks no index. Two styles: a PEP 751 pylock.toml (url, size and sha256 per wheel; pip 26's experimental \`-r pylock.toml\`) and a requirements file of \`name @ URL\` lines (no hashes: the daemon verifies those files by the blake2b digest in their path).`,
      "Each set-up runs a cold job (nothing cached) then a warm job (fresh venv; pip's cache folder only as the set-up carries it over). pip's cache folder alone: `--cache-dir` kept between the two jobs, no action (what actions/cache of ~/.cache/pip gives). This action, proxy: false: dist/main.js, the install step, dist/post.js under the runner emulation against the cache service stand-in, XDG_CACHE_HOME emptied before each job, so the warm job has only what the action restored. This action, proxy: true (auto): the same with `proxy: true` and no proxy-mode, which picks the index mode for a pylock.toml alone and for `name @ URL` requirements and keeps pip's cache (the step gets the proxy's index and `--trusted-host 127.0.0.1`; the lock's files go past the proxy). This action, proxy-mode: intercept: the same with `proxy: true` and `proxy-mode: intercept`; the step gets HTTPS_PROXY and the CA bundle the main step exported, and no index flag.",
      "The PyPI stand-in serves TLS with certificates of a test CA of its own for pypi.org and files.pythonhosted.org. With interception the lock names https://files.pythonhosted.org/packages/... and the daemon reaches the stand-in through the test-only origin mapping (PYPI_CACHE_PROXY_TEST_ORIGINS, PYPI_CACHE_PROXY_TEST_CA; it refuses any host it does not map). Without interception the lock names the stand-in's loopback address with the same paths, and pip gets `--index-url <stand-in> --trusted-host 127.0.0.1` (the certificate does not name the address; pip caches a trusted host's answers as it does https ones). Nothing leaves loopback.",
      `Upstream = requests the stand-in received during the job (for the action: main step, install step and post step) and the body bytes it sent. Install time: the install step's wall time. Local folder: the same pip installing the same pins by name with \`--no-cache-dir --no-index --find-links <the corpus folder>\`, measured in each round beside the jobs. Saved: the entry the cache service stored under the job's key (pip alone: pip's cache folder on disk, uncompressed, what actions/cache would archive).`,
      `${rounds} round${rounds === 1 ? '' : 's'}, interleaved (each round runs every set-up of both styles, the set-ups' order turned by one each round); medians, with the range across rounds where rounds differ. Load: ${load}.`,
    ],
    tables: [
      {
        caption: 'Upstream per job and install time',
        columns: [
          'install',
          'set-up',
          'job',
          'upstream requests',
          'wheels fetched',
          'upstream bytes',
          'install time (median)',
        ],
        rows: perJobRows(jobs),
      },
      {
        caption: `Saved entry against the wheels used (${formatBytes(wheelBytes)})`,
        columns: ['install', 'set-up', 'saved', 'saved / wheels used'],
        rows: STYLES.flatMap((style) =>
          SCENARIOS.map((scenario) => [
            STYLE_NAME[style],
            scenario === 'pip-cache'
              ? `${SCENARIO_NAME[scenario]} (folder on disk)`
              : SCENARIO_NAME[scenario],
            formatBytes(savedMedian(style, scenario)),
            formatRatio(ratio(savedMedian(style, scenario), wheelBytes)),
          ]),
        ),
      },
      {
        caption: 'Warm install time against the same install from a local folder',
        columns: ['install', 'local folder (median)', ...SCENARIOS.map((s) => `${SCENARIO_NAME[s]}, warm`)],
        rows: STYLES.map((style) => [
          STYLE_NAME[style],
          formatMs(localMedian(style)),
          ...SCENARIOS.map(
            (s) =>
              `${formatRatio(ratio(warmMedian(style, s), localMedian(style)))} (${formatMs(warmMedian(style, s))})`,
          ),
        ]),
      },
    ],
    goals: [
      {
        goal: 'lockfile installs with interception, warm: 0 upstream requests, 0 bytes',
        met:
          interceptWarm.length > 0 && interceptWarm.every((f) => f.ok && f.requests === 0 && f.bytes === 0),
        detail: STYLES.map((style) => {
          const warm = figuresOf(jobs, style, 'intercept').map((r) => r.warm);
          return `${style}: ${spread(warm.map((f) => f.requests))} requests, ${spread(
            warm.map((f) => f.bytes),
            formatBytes,
          )}`;
        }).join('; '),
      },
      {
        goal: 'with interception: saved entry at most 1.05x the wheels used',
        met: entryRatios.every((r) => r <= 1.05),
        detail: STYLES.map((style, i) => `${style} ${formatRatio(entryRatios[i])}`).join(', '),
      },
      {
        goal: 'with interception: warm install within 1.10x of the local folder',
        met: interceptRatios.every((r) => r <= 1.1),
        detail: STYLES.map((style, i) => `${style} ${formatRatio(interceptRatios[i])}`).join(', '),
      },
      {
        goal: 'proxy: true (auto): warm 0 upstream requests, entry at most 1.05x the wheels, cold and warm install within 1.10x of proxy: false',
        met: autoRatios.every((r) => r.cold <= 1.1 && r.warm <= 1.1 && r.entry <= 1.05 && r.requests === 0),
        detail: STYLES.map((style, i) => {
          const r = autoRatios[i] as (typeof autoRatios)[number];
          return `${style}: cold ${formatRatio(r.cold)}, warm ${formatRatio(r.warm)} of proxy: false, entry ${formatRatio(r.entry)}, warm ${r.requests} requests`;
        }).join('; '),
      },
      {
        goal: 'every job of the lockfile run installs',
        met: failed === 0,
        detail: `${failed} failed of ${jobs.length * 2 + local.length}`,
      },
    ],
    notes:
      proxyLines.length > 0
        ? [
            ["The proxy's own account (post step log, round 1):", ...proxyLines.map((l) => `- ${l}`)].join(
              '\n',
            ),
          ]
        : [],
    data: {
      pip: { version: pip.version, note: pip.note },
      wantedPip: WANTED_PIP,
      load,
      jobs,
      local,
      wheelBytes,
    },
  };
}
