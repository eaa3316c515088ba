// Run "docker": image builds that pip-install a requirements file through the action's proxy
// (host network and bridge address), cold and warm, against a build straight to the stand-in.
// The scenario is the e2e run's (__tests__/docker/docker-scenario.ts); here with the upstream's
// latency. Skipped, with the reason, where no Docker daemon can run.

import type { ScenarioFigures } from '../../__tests__/docker/docker-scenario.js';
import { prepareDocker, runDockerScenarios } from '../../__tests__/docker/e2e-docker.js';
import type { BenchContext } from '../context.js';
import type { RunReport } from '../report-model.js';
import { formatMs } from '../support/stats.js';

export async function runDockerBuilds(ctx: BenchContext): Promise<Omit<RunReport, 'durationMs'>> {
  const title = 'Run docker: image builds through the proxy';
  const reason = await prepareDocker();
  if (reason) {
    return { id: 'docker', title, method: [], tables: [], goals: [], notes: [`skipped: ${reason}`] };
  }
  const figures = await runDockerScenarios(await ctx.tempDir('docker'), ctx.upstream.latencyMs);
  const rows = (scenario: ScenarioFigures, label: string) => [
    [label, 'cold', scenario.cold.upstreamRequests, formatMs(scenario.cold.ms)],
    [label, 'warm, --no-cache', scenario.warm.upstreamRequests, formatMs(scenario.warm.ms)],
    ...(scenario.layerCached
      ? [
          [
            label,
            'warm, layer cache',
            scenario.layerCached.upstreamRequests,
            formatMs(scenario.layerCached.ms),
          ],
        ]
      : []),
  ];
  const proxied = [figures.host, figures.bridge, figures.buildKit].filter(
    (scenario) => scenario !== undefined,
  );
  return {
    id: 'docker',
    title,
    method: [
      'A pip.Dockerfile build (examples/docker/) of a 3-package requirements file on a Debian bookworm base image, Docker 20.10: the legacy builder, and BuildKit built into the daemon through the Debian 20.10 client where present (Debian ships no docker-buildx for bookworm). Every cold and warm build runs with --no-cache.',
      `Upstream: the PyPI stand-in with ${ctx.upstream.latencyMs} ms a request. Proxy builds take the main step's docker-build-args; job 1 misses, job 2 has an exact hit (frozen store).`,
      'Direct: the same build with PIP_INDEX_URL at the stand-in itself, twice (--no-cache the second time).',
    ],
    tables: [
      {
        columns: ['build', 'pass', 'upstream requests', 'build time'],
        rows: [
          ...rows(figures.host, 'proxy, host network'),
          ...rows(figures.bridge, 'proxy, bridge 172.17.0.1'),
          ...(figures.buildKit ? rows(figures.buildKit, 'proxy, host network, BuildKit') : []),
          ...rows(figures.direct, 'direct'),
        ],
      },
    ],
    goals: [
      {
        goal: 'a warm --no-cache build sends 0 requests upstream',
        met: proxied.every((scenario) => scenario.warm.upstreamRequests === 0),
        detail: proxied
          .map((scenario) => `${scenario.mode} (${scenario.builder}): ${scenario.warm.upstreamRequests}`)
          .join(', '),
      },
      {
        goal: "job 2's build reuses job 1's pip layer (stable port)",
        met: proxied.every((scenario) => scenario.layerCached?.reused === true),
        detail: proxied
          .map((scenario) => `${scenario.mode} (${scenario.builder}): ${scenario.layerCached?.reused}`)
          .join(', '),
      },
    ],
    notes: [],
    data: figures,
  };
}
