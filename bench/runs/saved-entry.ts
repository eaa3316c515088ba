// Run 7: the saved cache entry against the wheels the job used, and how it grows over lockfile
// bumps when each job starts from the fallback entry.
import { join } from 'node:path';
import { FakeCacheService } from '../../__tests__/support/fake-cache-service.js';
import type { BenchContext } from '../context.js';
import type { RunReport } from '../report-model.js';
import { runActionJob } from '../support/action-job.js';
import { formatBytes, formatRatio, ratio } from '../support/stats.js';

interface EntryStep {
  lockIndex: number;
  restored: string;
  wheelBytes: number;
  entryBytes: number;
  ok: boolean;
}

async function bumpSeries(
  ctx: BenchContext,
  steps: number,
  inputsFor: (indexUrl: string) => Record<string, string>,
  installArgs?: string[],
): Promise<EntryStep[]> {
  const pypi = await ctx.startPypi();
  const service = new FakeCacheService();
  await service.start();
  const dir = await ctx.tempDir('saved-entry');
  const series: EntryStep[] = [];
  try {
    for (let lockIndex = 0; lockIndex <= steps; lockIndex++) {
      const job = await runActionJob(ctx, {
        service,
        workspace: join(dir, 'workspace'),
        xdg: join(dir, 'xdg'),
        lockIndex,
        indexUrl: pypi.indexUrl,
        inputs: inputsFor(pypi.indexUrl),
        installArgs,
      });
      const key = job.main.outputs['cache-key'];
      const entry = service.entries().find((e) => e.key === key);
      series.push({
        lockIndex,
        restored:
          job.main.outputs['cache-hit'] === 'true'
            ? 'exact'
            : job.main.outputs['cache-matched-key']
              ? 'fallback'
              : 'miss',
        wheelBytes: ctx.corpus.wheelsOf(lockIndex).reduce((sum, w) => sum + w.size, 0),
        entryBytes: entry?.size ?? 0,
        ok: job.install.code === 0 && job.post.exitCode === 0,
      });
      ctx.log(`run 7: lockfile ${lockIndex}: entry ${formatBytes(entry?.size ?? 0)}`);
    }
  } finally {
    await service.stop();
    await pypi.stop();
  }
  return series;
}

export async function runSavedEntry(ctx: BenchContext): Promise<Omit<RunReport, 'durationMs'>> {
  const steps = ctx.corpus.lockfiles.length - 1;
  const stamp = Date.now();
  const withProxy = await bumpSeries(
    ctx,
    steps,
    (indexUrl) => ({ proxy: 'true', 'index-url': indexUrl, 'key-suffix': `run7-proxy-${stamp}` }),
    [],
  );
  const withoutProxy = await bumpSeries(ctx, steps, () => ({ 'key-suffix': `run7-${stamp}` }));
  const last = withoutProxy[withoutProxy.length - 1];
  const entryRatios = withProxy.map((s) => ratio(s.entryBytes, s.wheelBytes));
  const maxRatio = Math.max(...entryRatios);
  const rows = (series: EntryStep[]) =>
    series.map((s) => [
      s.lockIndex,
      s.restored,
      formatBytes(s.wheelBytes),
      s.ok ? formatBytes(s.entryBytes) : `${formatBytes(s.entryBytes)} (job failed)`,
      formatRatio(ratio(s.entryBytes, s.wheelBytes)),
    ]);
  const columns = ['lockfile', 'restored', 'wheels used', 'saved entry', 'entry / wheels'];
  // Growth beyond the current set: the last entry's ratio against the first one's.
  const growth = entryRatios[entryRatios.length - 1] - entryRatios[0];
  return {
    id: 'run7',
    title: 'Run 7: saved entry size and growth over lockfile bumps',
    method: [
      `${steps + 1} successive jobs of the action (runner emulation, cache service stand-in), each on the next lockfile: every bump changes ${ctx.corpus.lockfiles.length > 1 ? 'a few' : 'no'} pins. restore-fallback is on (the default), so each job starts from the previous entry and saves a new one under its own key.`,
      'Entry size: the archive the cache service stored. Wheels used: the bytes of the wheels that lockfile installs.',
    ],
    tables: [
      {
        caption: 'This action with the proxy (proxy store, pruned to what the job used)',
        columns,
        rows: rows(withProxy),
      },
      {
        caption: 'This action without the proxy (pip cache folder), for comparison',
        columns,
        rows: rows(withoutProxy),
      },
    ],
    goals: [
      {
        goal: 'with proxy: entry at most 1.05x the wheels used',
        met: maxRatio <= 1.05 && withProxy.every((s) => s.ok),
        detail: `at most ${formatRatio(maxRatio)} over the ${withProxy.length} jobs`,
      },
      {
        goal: 'with proxy: no growth beyond the current set over the bumps',
        met: growth <= 0.01,
        detail: `entry / wheels ${formatRatio(entryRatios[0])} at lockfile 0, ${formatRatio(entryRatios[entryRatios.length - 1])} after ${steps} bumps`,
      },
    ],
    notes: [
      `Without the proxy, for comparison: the first entry is ${formatRatio(ratio(withoutProxy[0].entryBytes, withoutProxy[0].wheelBytes))} of the wheels used; after ${steps} bumps ${formatRatio(ratio(last.entryBytes, last.wheelBytes))} (pip's cache keeps every wheel it ever fetched, and the fallback carries them forward).`,
    ],
    data: { withProxy, withoutProxy },
  };
}
