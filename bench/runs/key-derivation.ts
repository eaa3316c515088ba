// Run 5: the key step on a large monorepo against @actions/glob's hashFiles over the same patterns.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as glob from '@actions/glob';
import { DEFAULT_DEPENDENCY_FILES, findDependencyFiles } from '../../src/key/dependency-files.js';
import { hashDependencyFiles } from '../../src/key/key.js';
import type { BenchContext } from '../context.js';
import type { RunReport } from '../report-model.js';
import { formatMs, formatRatio, median, ratio } from '../support/stats.js';

interface Tree {
  files: number;
  lockfiles: number;
}

async function writeMany(dir: string, names: string[], content: (name: string) => string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await Promise.all(names.map((name) => writeFile(join(dir, name), content(name))));
}

/** services/svc-NNN with a lockfile each and sources; node_modules and virtualenvs full of decoys. */
async function buildMonorepo(root: string, services: number): Promise<Tree> {
  let files = 0;
  const lockNames = ['requirements.txt', 'pyproject.toml', 'uv.lock', 'poetry.lock'];
  for (let i = 0; i < services; i++) {
    const svc = join(root, 'services', `svc-${String(i).padStart(3, '0')}`);
    const lock = lockNames[i % lockNames.length];
    await writeMany(
      svc,
      [lock, 'README.md', 'Makefile'],
      (n) => `# ${n} of svc ${i}\n${'x'.repeat(200 + (i % 7) * 100)}\n`,
    );
    const sources = Array.from({ length: 40 }, (_, k) => `module_${k}.py`);
    await writeMany(join(svc, 'src', `svc_${i}`), sources, (n) => `# ${n}\nVALUE = ${i}\n`);
    await writeMany(
      join(svc, 'tests'),
      Array.from({ length: 20 }, (_, k) => `test_${k}.py`),
      () => 'def test(): pass\n',
    );
    files += 3 + 40 + 20;
    if (i % 10 === 0) {
      // A frontend beside the service, with its node_modules (decoy requirements files included).
      for (let p = 0; p < 30; p++) {
        const pkg = join(svc, 'web', 'node_modules', `pkg-${p}`);
        await writeMany(
          pkg,
          [
            'package.json',
            'index.js',
            'requirements.txt',
            ...Array.from({ length: 7 }, (_, k) => `lib${k}.js`),
          ],
          () => '{}\n',
        );
        files += 10;
      }
    }
    if (i % 20 === 0) {
      const venv = join(svc, '.venv');
      await writeMany(venv, ['pyvenv.cfg'], () => 'home = /usr/bin\n');
      for (let p = 0; p < 40; p++) {
        const site = join(venv, 'lib', 'python3.11', 'site-packages', `dist_${p}`);
        await writeMany(
          site,
          ['__init__.py', 'pyproject.toml', 'setup.py', ...Array.from({ length: 7 }, (_, k) => `m${k}.py`)],
          () => '#\n',
        );
        files += 10;
      }
      files += 1;
    }
  }
  for (let p = 0; p < 200; p++) {
    const pkg = join(root, 'node_modules', `root-pkg-${p}`);
    await writeMany(
      pkg,
      ['package.json', 'setup.py', ...Array.from({ length: 8 }, (_, k) => `f${k}.js`)],
      () => '{}\n',
    );
    files += 10;
  }
  return { files, lockfiles: services };
}

/** @actions/core logs each hashed file with ::debug:: on stdout; keep the bench's output readable. */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await fn();
  } finally {
    process.stdout.write = write;
  }
}

export async function runKeyDerivation(ctx: BenchContext): Promise<Omit<RunReport, 'durationMs'>> {
  const root = await ctx.tempDir('monorepo');
  const tree = await buildMonorepo(root, 200);
  const patterns = DEFAULT_DEPENDENCY_FILES;
  // hashFiles walks everything; tell it what the action skips, so both hash the same files.
  // @actions/glob resolves relative patterns against the cwd (a workflow's is the workspace).
  const globPatterns = [...patterns, '!**/node_modules/**', '!**/.venv/**']
    .map((p) => (p.startsWith('!') ? `!${root}/${p.slice(1)}` : `${root}/${p}`))
    .join('\n');
  const previousWorkspace = process.env.GITHUB_WORKSPACE;
  process.env.GITHUB_WORKSPACE = root;
  const ours: number[] = [];
  const theirs: number[] = [];
  let oursCount = 0;
  let theirsCount = 0;
  try {
    theirsCount = (await quietly(async () => (await glob.create(globPatterns)).glob())).length;
    const rounds = ctx.quick ? 3 : 7;
    for (let round = 0; round < rounds; round++) {
      // Alternate who goes first, so neither always meets a warmer page cache.
      const runOurs = async () => {
        const started = performance.now();
        const files = findDependencyFiles(root, patterns);
        hashDependencyFiles(root, files);
        ours.push(performance.now() - started);
        oursCount = files.length;
      };
      const runTheirs = async () => {
        const started = performance.now();
        await quietly(() => glob.hashFiles(globPatterns, root));
        theirs.push(performance.now() - started);
      };
      if (round % 2 === 0) {
        await runOurs();
        await runTheirs();
      } else {
        await runTheirs();
        await runOurs();
      }
    }
  } finally {
    if (previousWorkspace === undefined) delete process.env.GITHUB_WORKSPACE;
    else process.env.GITHUB_WORKSPACE = previousWorkspace;
    await rm(root, { recursive: true, force: true });
  }
  const r = ratio(median(ours), median(theirs));
  ctx.log(`run 5: ours ${formatMs(median(ours))}, hashFiles ${formatMs(median(theirs))}`);
  return {
    id: 'run5',
    title: 'Run 5: key derivation on a large monorepo',
    method: [
      `A generated tree of ${tree.files} files: ${tree.lockfiles} services each with one lockfile (requirements.txt, pyproject.toml, uv.lock or poetry.lock in turn), sources and tests; node_modules folders (with decoy requirements.txt and setup.py) and virtualenvs (pyvenv.cfg, site-packages with pyproject.toml and setup.py) to skip.`,
      "Ours: findDependencyFiles() + hashDependencyFiles() from src/ with the action's default patterns. hashFiles: @actions/glob's hashFiles over the same patterns plus `!**/node_modules/**` and `!**/.venv/**` (made absolute under the tree, as a workflow's cwd would make them), so both hash the same files. Both in the bench process, warm page cache, alternating which goes first; median of the rounds.",
    ],
    tables: [
      {
        columns: ['key step', 'median', 'min', 'files hashed', 'ratio to hashFiles'],
        rows: [
          [
            'ours (one walk, skip lists)',
            formatMs(median(ours)),
            formatMs(Math.min(...ours)),
            oursCount,
            formatRatio(r),
          ],
          [
            '@actions/glob hashFiles',
            formatMs(median(theirs)),
            formatMs(Math.min(...theirs)),
            theirsCount,
            '1.00x',
          ],
        ],
      },
    ],
    goals: [{ goal: 'at most half the time of hashFiles', met: r <= 0.5, detail: `${formatRatio(r)}` }],
    notes:
      oursCount === theirsCount
        ? []
        : [
            `The two matched different file counts (${oursCount} against ${theirsCount}); see the patterns above.`,
          ],
    data: { ours, theirs, tree, oursCount, theirsCount },
  };
}
