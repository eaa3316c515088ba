// Run 6: what the main step costs when there is nothing to transfer: bundle load, inputs,
// installer and Python discovery, key derivation, an empty local cache.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jobEnv } from '../../__tests__/support/cache-job.js';
import { RunnerJob } from '../../__tests__/support/runner.js';
import type { BenchContext } from '../context.js';
import type { RunReport } from '../report-model.js';
import { runCommand } from '../support/processes.js';
import { formatMs, median } from '../support/stats.js';

async function mainStepTimes(
  ctx: BenchContext,
  rounds: number,
  extraInputs: Record<string, string>,
  extraEnv: Record<string, string>,
): Promise<number[]> {
  const dir = await ctx.tempDir('main-overhead');
  const workspace = join(dir, 'workspace');
  await mkdir(workspace, { recursive: true });
  await writeFile(join(workspace, 'requirements.txt'), ctx.corpus.lockfiles[0]);
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const localCache = join(dir, `local-cache-${round}`);
    const job = new RunnerJob({
      workspace,
      inputs: { installer: 'pip', 'cache-backend': 'local', 'local-cache-dir': localCache, ...extraInputs },
      env: jobEnv(undefined, { XDG_CACHE_HOME: join(dir, `xdg-${round}`), ...extraEnv }),
    });
    try {
      const main = await job.runMain();
      if (main.exitCode !== 0) throw new Error(`main step failed: ${main.stdout}`);
      times.push(main.durationMs);
    } finally {
      await job.cleanup();
    }
  }
  await rm(dir, { recursive: true, force: true });
  return times;
}

export async function runMainOverhead(ctx: BenchContext): Promise<Omit<RunReport, 'durationMs'>> {
  const rounds = ctx.quick ? 3 : 9;
  const bare: number[] = [];
  for (let round = 0; round < rounds; round++)
    bare.push((await runCommand(process.execPath, ['-e', '0'])).ms);
  const defaults = await mainStepTimes(ctx, rounds, {}, {});
  const pipCacheDirGiven = await mainStepTimes(
    ctx,
    rounds,
    {},
    { PIP_CACHE_DIR: join(ctx.root, 'pip-cache-given') },
  );
  const explicit = await mainStepTimes(
    ctx,
    rounds,
    { 'python-version': '3.11' },
    { PIP_CACHE_DIR: join(ctx.root, 'pip-cache-explicit') },
  );
  // The same step starting the proxy: the main step waits for its health answer before it ends.
  // The index is a loopback port nobody listens on: starting asks no upstream anything. Port 0:
  // the default port is shared with whatever else runs on this machine.
  const withProxy = await mainStepTimes(
    ctx,
    rounds,
    { 'python-version': '3.11', proxy: 'true', 'index-url': 'http://127.0.0.1:9/simple/', 'proxy-port': '0' },
    { PIP_CACHE_DIR: join(ctx.root, 'pip-cache-proxy') },
  );
  const proxyRatio = median(withProxy) / median(explicit);
  ctx.log(`run 6: main step ${formatMs(median(defaults))}, bare node ${formatMs(median(bare))}`);
  const row = (what: string, times: number[]) => [
    what,
    formatMs(median(times)),
    formatMs(Math.min(...times)),
    formatMs(Math.max(...times)),
    times === bare ? '—' : formatMs(median(times) - median(bare)),
  ];
  return {
    id: 'run6',
    title: 'Run 6: main-step overhead without cache transfer',
    method: [
      `\`node dist/main.js\` spawned the way the runner does (runner emulation: INPUT_* and GITHUB_* variables, file commands), local backend with an empty cache folder (a miss: nothing restored), the corpus lockfile as requirements.txt; median of ${rounds} rounds, including process start and exit.`,
      'Defaults: the action asks `python3` for its version and, because this machine has pip config files (/etc/pip.conf among them), `pip cache dir` for the folder: two child processes, started side by side. Where no pip config file exists (src/installers/pip-config.ts checks the files pip reads), pip is not asked: the PIP_CACHE_DIR row shows that cost, with only `python3` asked. Explicit: `python-version: 3.11` and PIP_CACHE_DIR set, so no child runs.',
      'Bare node: `node -e 0`, the floor every JavaScript action pays.',
    ],
    tables: [
      {
        columns: ['what', 'median', 'min', 'max', 'above bare node'],
        rows: [
          row('bare node (`node -e 0`)', bare),
          row('main step, defaults (this machine has pip config files: pip is asked)', defaults),
          row(
            'main step, PIP_CACHE_DIR given or no pip config file (only python3 is asked)',
            pipCacheDirGiven,
          ),
          row('main step, python-version and PIP_CACHE_DIR given', explicit),
          row(
            'the same with `proxy: true` (restore, then a started proxy answering its health check)',
            withProxy,
          ),
        ],
      },
    ],
    goals: [
      {
        goal: 'main step: restore plus a started, healthy proxy, as a ratio to the restore alone',
        met: null,
        detail: `${proxyRatio.toFixed(2)}x (${formatMs(median(withProxy))} against ${formatMs(median(explicit))}; the proxy adds ${formatMs(median(withProxy) - median(explicit))})`,
      },
    ],
    notes: [
      'The restore here is a miss on an empty local cache: what the proxy adds (spawn, store lock, listen, health check) does not depend on what was restored.',
    ],
    data: { bare, defaults, pipCacheDirGiven, explicit, withProxy },
  };
}
