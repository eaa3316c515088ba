// `npm run e2e:docker`: the README's Docker examples against a real daemon (see
// docker-scenario.ts). Not part of `npm run check`: it needs root for apt-get and dockerd, and
// where those cannot be had it says "skipped" and exits 0.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBaseImage, ensureDebianPackages, ensureDockerDaemon, run } from '../support/docker.js';
import { FakeCacheService } from '../support/fake-cache-service.js';
import { FakePypi } from '../support/fake-pypi.js';
import { buildWheels } from '../support/wheels.js';
import {
  BRIDGE_ADDRESS,
  directScenario,
  findBuildKit,
  proxyScenario,
  type ScenarioFigures,
} from './docker-scenario.js';

const log = (line: string) => process.stderr.write(`[e2e:docker] ${line}\n`);

/** Docker ready, or the reason it cannot be here. */
export async function prepareDocker(): Promise<string | undefined> {
  try {
    await ensureDebianPackages(
      { dockerd: 'docker.io', debootstrap: 'debootstrap', iptables: 'iptables' },
      log,
    );
  } catch (error: unknown) {
    return error instanceof Error ? error.message : String(error);
  }
  const reason = await ensureDockerDaemon(join(tmpdir(), 'e2e-dockerd.log'));
  if (reason) return reason;
  await ensureBaseImage(undefined, log);
  return undefined;
}

/** Containers on the bridge may reach this machine (the proxy) and nothing past it. */
async function confineBridge(): Promise<() => Promise<void>> {
  const rule = ['DOCKER-USER', '-i', 'docker0', '-j', 'DROP'];
  const added = await run('iptables', ['-I', ...rule]);
  if (added.code !== 0) throw new Error(`iptables -I ${rule.join(' ')} failed: ${added.output}`);
  return async () => void (await run('iptables', ['-D', ...rule]));
}

export interface DockerRun {
  host: ScenarioFigures;
  bridge: ScenarioFigures;
  direct: ScenarioFigures;
  /** The host-network scenario with BuildKit; undefined where this machine has none. */
  buildKit: ScenarioFigures | undefined;
}

export async function runDockerScenarios(root: string, latencyMs = 0): Promise<DockerRun> {
  const wheels = await buildWheels(join(root, 'wheels'), [
    { name: 'app', version: '1.0.0', dependencies: ['lib-core>=1.0', 'tiny-util'] },
    { name: 'lib-core', version: '1.0.0', payloadBytes: 2_000_000 },
    { name: 'tiny-util', version: '0.3.0' },
  ]);
  const requirements = 'app==1.0.0\nlib-core==1.0.0\ntiny-util==0.3.0\n';
  const pypi = new FakePypi({ wheels, latencyMs });
  const service = new FakeCacheService();
  await Promise.all([pypi.start(), service.start()]);
  const unconfine = await confineBridge();
  try {
    const host = await proxyScenario({ mode: 'host', pypi, service, root, requirements });
    const bridge = await proxyScenario({ mode: 'bridge', pypi, service, root, requirements });
    const direct = await directScenario(pypi, root, requirements);
    const kit = await findBuildKit();
    const buildKit = kit
      ? await proxyScenario({ mode: 'host', pypi, service, root, requirements, buildKit: kit })
      : undefined;
    return { host, bridge, direct, buildKit };
  } finally {
    await unconfine();
    await Promise.all([pypi.stop(), service.stop()]);
  }
}

function check(condition: boolean, what: string, failures: string[]): void {
  log(`${condition ? 'ok  ' : 'FAIL'} ${what}`);
  if (!condition) failures.push(what);
}

export async function main(): Promise<number> {
  const reason = await prepareDocker();
  if (reason) {
    log(`skipped: no Docker daemon here (${reason})`);
    return 0;
  }
  const root = mkdtempSync(join(tmpdir(), 'e2e-docker-'));
  try {
    const figures = await runDockerScenarios(root);
    const failures: string[] = [];
    if (!figures.buildKit)
      log('no BuildKit on this machine (no docker buildx, no 20.10-22 client): legacy builder only');
    const proxied = [figures.host, figures.bridge, figures.buildKit].filter((s) => s !== undefined);
    for (const scenario of proxied) {
      const m = `${scenario.mode} (${scenario.builder})`;
      check(scenario.cold.upstreamRequests > 0, `${m}: the cold build fetched through the proxy`, failures);
      check(
        scenario.warm.upstreamRequests === 0,
        `${m}: the --no-cache build in job 2 sent 0 requests upstream`,
        failures,
      );
      check(
        scenario.layerCached?.reused === true,
        `${m}: job 2's build reused job 1's pip layer (same port)`,
        failures,
      );
    }
    check(figures.host.network === 'host', 'host: docker-network is host', failures);
    check(figures.bridge.network === '', 'bridge: docker-network is empty', failures);
    check(
      figures.bridge.buildArgs[0].startsWith(`PIP_INDEX_URL=http://${BRIDGE_ADDRESS}:`),
      'bridge: the build arguments name the bridge address',
      failures,
    );
    const uvDockerfile = readFileSync(
      new URL('../../examples/docker/uv.Dockerfile', import.meta.url),
      'utf8',
    );
    for (const name of ['UV_DEFAULT_INDEX', 'UV_INSECURE_HOST']) {
      check(
        figures.host.buildArgs.some((line) => line.startsWith(`${name}=`)),
        `docker-build-args has ${name}`,
        failures,
      );
      check(uvDockerfile.includes(`ARG ${name}\n`), `uv.Dockerfile declares ARG ${name}`, failures);
    }
    process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
    return failures.length === 0 ? 0 : 1;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
