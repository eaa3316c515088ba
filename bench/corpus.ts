// The bench's package universe: a PyPI-shaped tree of real wheels with a dependency graph,
// sizes from a few KB to tens of MB (a few incompressible "binary" wheels), older versions on
// the index that no lockfile picks, and a series of lockfiles, each bumping a few pins.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { seededRandom } from '../__tests__/support/fake-pypi-faults.js';
import { type BuiltWheel, buildWheels, type WheelSpec } from '../__tests__/support/wheels.js';

export interface CorpusShape {
  large: number[];
  medium: number;
  small: number;
  /** Lockfile bumps after the first lockfile; each bumps `bumpSize` projects. */
  bumps: number;
  bumpSize: number;
  /** Projects that also publish an older version nobody pins. */
  olderVersions: number;
}

const MiB = 1024 * 1024;

export const FULL_SHAPE: CorpusShape = {
  large: [50 * MiB, 64 * MiB, 80 * MiB],
  medium: 10,
  small: 102,
  bumps: 10,
  bumpSize: 4,
  olderVersions: 15,
};

export const QUICK_SHAPE: CorpusShape = {
  large: [12 * MiB],
  medium: 3,
  small: 30,
  bumps: 3,
  bumpSize: 3,
  olderVersions: 4,
};

interface Project {
  name: string;
  payload: number;
  dependencies: string[];
}

export interface Corpus {
  dir: string;
  wheels: BuiltWheel[];
  /** lockfiles[0] is the first lockfile; lockfiles[k] the k-th bump: `name==version` lines. */
  lockfiles: string[];
  /** The wheels a lockfile installs (its whole closure: every project is pinned). */
  wheelsOf(lockIndex: number): BuiltWheel[];
  totalBytes: number;
  cleanup(): Promise<void>;
}

function payloadFor(kind: 'small' | 'medium', random: () => number): number {
  // Log-uniform: many tiny wheels, fewer big ones, as on PyPI.
  const [low, high] = kind === 'small' ? [2_000, 600_000] : [1 * MiB, 8 * MiB];
  return Math.round(Math.exp(Math.log(low) + random() * (Math.log(high) - Math.log(low))));
}

function planProjects(shape: CorpusShape, random: () => number): Project[] {
  const sized: { kind: string; payload: number }[] = [
    ...Array.from({ length: shape.small }, () => ({ kind: 'small', payload: payloadFor('small', random) })),
    ...Array.from({ length: shape.medium }, () => ({
      kind: 'medium',
      payload: payloadFor('medium', random),
    })),
    ...shape.large.map((payload) => ({ kind: 'native', payload })),
  ];
  // Shuffle so big wheels sit anywhere in the graph, then let each project depend on earlier ones.
  for (let i = sized.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [sized[i], sized[j]] = [sized[j], sized[i]];
  }
  const projects: Project[] = [];
  sized.forEach(({ kind, payload }, i) => {
    const name = `bench-${kind}-${String(i).padStart(3, '0')}`;
    const count = i === 0 ? 0 : Math.min(i, Math.floor(random() * 4));
    const deps = new Set<number>();
    while (deps.size < count) deps.add(Math.floor(random() * i));
    projects.push({ name, payload, dependencies: [...deps].map((d) => `${projects[d].name}>=1.0`) });
  });
  return projects;
}

function spec(project: Project, version: string): WheelSpec {
  return { name: project.name, version, dependencies: project.dependencies, payloadBytes: project.payload };
}

export async function buildCorpus(dir: string, shape: CorpusShape): Promise<Corpus> {
  const random = seededRandom(20_240_601);
  const projects = planProjects(shape, random);
  const bumpable = projects.filter((p) => !p.name.startsWith('bench-native'));
  const pins = new Map(projects.map((p) => [p.name, '1.0.0']));
  const specs: WheelSpec[] = projects.map((p) => spec(p, '1.0.0'));
  for (const p of bumpable.slice(0, shape.olderVersions)) specs.push(spec(p, '0.9.0'));

  const lockfiles: string[] = [];
  const renderLock = () => `${[...pins].map(([name, version]) => `${name}==${version}`).join('\n')}\n`;
  lockfiles.push(renderLock());
  for (let bump = 1; bump <= shape.bumps; bump++) {
    for (let k = 0; k < shape.bumpSize; k++) {
      const project = bumpable[Math.floor(random() * bumpable.length)];
      const version = `1.${bump}.${k}`;
      pins.set(project.name, version);
      specs.push(spec(project, version));
    }
    lockfiles.push(renderLock());
  }

  // A few at a time: the big ones are written as streams, the rest are tiny.
  const wheels: BuiltWheel[] = [];
  for (let i = 0; i < specs.length; i += 16) wheels.push(...(await buildWheels(dir, specs.slice(i, i + 16))));
  const byPin = new Map(wheels.map((w) => [`${w.project}==${w.version}`, w]));
  return {
    dir,
    wheels,
    lockfiles,
    wheelsOf(lockIndex: number) {
      return lockfiles[lockIndex]
        .trim()
        .split('\n')
        .map((line) => {
          const wheel = byPin.get(line);
          if (!wheel) throw new Error(`corpus: no wheel for ${line}`);
          return wheel;
        });
    },
    totalBytes: wheels.reduce((sum, w) => sum + w.size, 0),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A huge wheel on its own, for the memory run (files must stream, never sit in memory). */
export async function buildHugeWheel(dir: string, bytes: number): Promise<BuiltWheel> {
  const [wheel] = await buildWheels(join(dir, 'huge'), [
    { name: 'bench-huge', version: '1.0.0', payloadBytes: bytes },
  ]);
  return wheel;
}
