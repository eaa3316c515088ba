// Image builds that pip-install through the action's proxy, as the README tells a workflow to:
// job 1 (cache miss) runs the main step, builds cold, saves the proxy's store in its post step;
// job 2 (exact hit, the store frozen) builds again with --no-cache and must reach the stand-in
// PyPI not at all, then once more with the layer cache, which hits because the port is stable.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jobEnv } from '../support/cache-job.js';
import { BASE_IMAGE, type CommandResult, run } from '../support/docker.js';
import type { FakeCacheService } from '../support/fake-cache-service.js';
import type { FakePypi } from '../support/fake-pypi.js';
import { RunnerJob } from '../support/runner.js';

export const PIP_DOCKERFILE = fileURLToPath(new URL('../../examples/docker/pip.Dockerfile', import.meta.url));
export const BRIDGE_ADDRESS = '172.17.0.1';

export interface BuildFigures {
  ms: number;
  upstreamRequests: number;
}

export interface ScenarioFigures {
  mode: 'host' | 'bridge' | 'direct';
  builder: Builder;
  cold: BuildFigures;
  /** --no-cache: every layer runs again, pip included. */
  warm: BuildFigures;
  /** With the layer cache: the pip layer is reused when the build arguments did not change. */
  layerCached?: BuildFigures & { reused: boolean };
  buildArgs: string[];
  network: string;
}

export type Builder = 'legacy' | 'buildkit';

/** How `docker build` runs with each builder: the client, its arguments, its environment. */
interface BuilderCommand {
  client: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

const LEGACY: BuilderCommand = {
  client: 'docker',
  args: ['build'],
  env: { ...process.env, DOCKER_BUILDKIT: '0' },
};

/**
 * BuildKit where this machine has it: `docker buildx`, else a 20.10-22 client (Debian's
 * docker.io), whose `docker build` drives the daemon's built-in BuildKit. Debian bookworm
 * packages no docker-buildx, and newer clients need that plugin for BuildKit.
 */
export async function findBuildKit(): Promise<BuilderCommand | undefined> {
  if ((await run('docker', ['buildx', 'version'])).code === 0)
    return { client: 'docker', args: ['buildx', 'build', '--load', '--progress=plain'], env: process.env };
  for (const client of ['docker', '/usr/bin/docker']) {
    const version = await run(client, ['version', '--format', '{{.Client.Version}}']);
    if (version.code === 0 && /^(20|21|22)\./.test(version.output.trim().split('\n')[0]))
      return { client, args: ['build', '--progress=plain'], env: { ...process.env, DOCKER_BUILDKIT: '1' } };
  }
  return undefined;
}

export async function dockerBuild(
  context: string,
  tag: string,
  buildArgs: string[],
  network: string,
  extra: string[] = [],
  builder: BuilderCommand = LEGACY,
): Promise<CommandResult> {
  const args = [...builder.args, '-f', PIP_DOCKERFILE, '-t', tag, '--build-arg', `BASE=${BASE_IMAGE}`];
  for (const line of buildArgs) args.push('--build-arg', line);
  if (network) args.push('--network', network);
  const result = await run(builder.client, [...args, ...extra, context], builder.env);
  if (result.code !== 0) throw new Error(`docker build failed:\n${result.output.slice(-3000)}`);
  return result;
}

function buildContext(dir: string, requirements: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'requirements.txt'), requirements);
  copyFileSync(PIP_DOCKERFILE, join(dir, 'Dockerfile'));
  return dir;
}

async function measured(
  pypi: FakePypi,
  build: () => Promise<CommandResult>,
): Promise<BuildFigures & { output: string }> {
  pypi.resetRequests();
  const result = await build();
  return { ms: result.durationMs, upstreamRequests: pypi.counts().total, output: result.output };
}

/** The same requirements straight from the stand-in (host network): what the proxy saves. */
export async function directScenario(
  pypi: FakePypi,
  root: string,
  requirements: string,
): Promise<ScenarioFigures> {
  const context = buildContext(join(root, 'context-direct'), requirements);
  const host = new URL(pypi.indexUrl).host;
  const buildArgs = [
    `PIP_INDEX_URL=${pypi.indexUrl}`,
    `PIP_TRUSTED_HOST=${host} ${new URL(pypi.filesOrigin).host}`,
  ];
  const cold = await measured(pypi, () => dockerBuild(context, 'pypi-cache-e2e:direct', buildArgs, 'host'));
  const warm = await measured(pypi, () =>
    dockerBuild(context, 'pypi-cache-e2e:direct', buildArgs, 'host', ['--no-cache']),
  );
  return {
    mode: 'direct',
    builder: 'legacy',
    cold: strip(cold),
    warm: strip(warm),
    buildArgs,
    network: 'host',
  };
}

export async function proxyScenario(options: {
  mode: 'host' | 'bridge';
  pypi: FakePypi;
  service: FakeCacheService;
  root: string;
  requirements: string;
  /** Default: the legacy builder. */
  buildKit?: BuilderCommand;
}): Promise<ScenarioFigures> {
  const { mode, pypi, service, requirements, buildKit } = options;
  const builder: Builder = buildKit ? 'buildkit' : 'legacy';
  const root = join(options.root, builder);
  const workspace = join(root, `workspace-${mode}`);
  const context = buildContext(join(root, `context-${mode}`), requirements);
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(workspace, 'requirements.txt'), requirements);
  const tag = `pypi-cache-e2e:${mode}-${builder}`;
  const build = (args: string[], network: string, extra: string[] = []) =>
    dockerBuild(context, tag, args, network, extra, buildKit);
  const newJob = () =>
    new RunnerJob({
      workspace,
      inputs: {
        installer: 'pip',
        proxy: 'true',
        'index-url': pypi.indexUrl,
        'key-suffix': `${mode}-${builder}`,
        ...(mode === 'bridge' ? { 'proxy-host': BRIDGE_ADDRESS } : {}),
      },
      env: jobEnv(service, { XDG_CACHE_HOME: join(root, `xdg-${mode}`) }),
      // One runner image: every job gets the same RUNNER_TEMP path, as on a hosted runner, so the
      // job-owned cache folders (and with them the cache version) match from job to job.
      runnerTemp: join(root, `runner-temp-${mode}`),
    });

  const first = newJob();
  const main1 = await first.runMain();
  if (main1.exitCode !== 0) throw new Error(`job 1 main step failed: ${main1.errors.join('; ')}`);
  const buildArgs = main1.outputs['docker-build-args'].split('\n');
  const network = main1.outputs['docker-network'];
  // --no-cache: the daemon keeps layers from earlier runs, and the same port gives the same layers.
  const cold = await measured(pypi, () => build(buildArgs, network, ['--no-cache']));
  const post1 = await first.runPost();
  await first.cleanup();
  if (post1.exitCode !== 0) throw new Error(`job 1 post step failed: ${post1.errors.join('; ')}`);

  const second = newJob();
  const main2 = await second.runMain();
  if (main2.outputs['cache-hit'] !== 'true') throw new Error('job 2 did not get an exact hit');
  const buildArgs2 = main2.outputs['docker-build-args'].split('\n');
  if (buildArgs2.join('\n') !== buildArgs.join('\n'))
    throw new Error(`job 2's build arguments differ from job 1's: ${buildArgs2.join(' ')}`);
  try {
    const warm = await measured(pypi, () => build(buildArgs2, network, ['--no-cache']));
    const cached = await measured(pypi, () => build(buildArgs2, network));
    // Legacy builder: "Using cache" under the RUN pip install step; BuildKit: "CACHED" on it.
    const reused = buildKit
      ? /\] RUN pip install[^\n]*\n(?:#\d+ sha256:[^\n]*\n)?#\d+ CACHED/.test(cached.output)
      : /RUN pip install[^\n]*\n\s*---> Using cache/.test(cached.output);
    return {
      mode,
      builder,
      cold: strip(cold),
      warm: strip(warm),
      layerCached: { ...strip(cached), reused },
      buildArgs,
      network,
    };
  } finally {
    await second.runPost();
    await second.cleanup();
  }
}

function strip({ ms, upstreamRequests }: BuildFigures): BuildFigures {
  return { ms: Math.round(ms), upstreamRequests };
}
