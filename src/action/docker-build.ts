import { networkInterfaces } from 'node:os';
import type { ExtraIndex } from './inputs.js';

// What a `docker build` in the job needs to install through the proxy: build arguments (one
// NAME=value a line, as docker/build-push-action's `build-args` takes them) and the network.
// A build container has its own loopback, so a proxy on 127.0.0.1 is reached only with the
// host's network (`--network host`; with buildx also `network=host` on the builder and the
// network.host entitlement, docker/buildx#1437). A proxy on the bridge address is reached from
// the default network, with no flag at all.

export interface DockerBuildSettings {
  buildArgs: string[];
  /** 'host', or '' when the default bridge network reaches the proxy. */
  network: 'host' | '';
}

/**
 * @param host the proxy-host input
 * @param port the port the proxy listens on
 * @param bridgeAddress the docker0 address when the proxy listens on every interface
 */
export function dockerBuildSettings(
  host: string,
  port: number,
  extras: ExtraIndex[],
  bridgeAddress: string | undefined = dockerBridgeAddress(),
): DockerBuildSettings {
  const everyInterface = host === '0.0.0.0' || host === '::';
  const bridged = everyInterface ? bridgeAddress : isLoopback(host) ? undefined : host;
  const address = bridged ?? (isLoopback(host) ? host : '127.0.0.1');
  const authority = `${address.includes(':') ? `[${address}]` : address}:${port}`;
  const base = `http://${authority}`;
  const buildArgs = [
    `PIP_INDEX_URL=${base}/simple/`,
    // pip refuses plain http from hosts it does not trust.
    `PIP_TRUSTED_HOST=${authority}`,
    `UV_DEFAULT_INDEX=${base}/simple/`,
    // uv's --allow-insecure-host takes a host:port pair (docs.astral.sh/uv/reference/cli/).
    `UV_INSECURE_HOST=${authority}`,
  ];
  if (extras.length > 0) {
    buildArgs.push(`PIP_EXTRA_INDEX_URL=${extras.map((extra) => `${base}/${extra.name}/simple/`).join(' ')}`);
    buildArgs.push(
      `UV_INDEX=${extras.map((extra) => `${extra.name}=${base}/${extra.name}/simple/`).join(' ')}`,
    );
  }
  return { buildArgs, network: bridged ? '' : 'host' };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** The IPv4 address of docker0, where the daemon's default bridge reaches the host. */
function dockerBridgeAddress(): string | undefined {
  return networkInterfaces().docker0?.find((entry) => entry.family === 'IPv4')?.address;
}
