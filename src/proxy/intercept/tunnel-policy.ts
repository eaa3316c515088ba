// Where a plain CONNECT tunnel may go. The daemon listens on loopback for the job's own tools
// (or on the docker bridge for a build's container), so a tunnel must not reach what those could
// not reach without it: the daemon's own loopback ports and the host's other loopback services,
// and the link-local cloud metadata service (169.254.169.254, fe80::/10). Private networks stay
// reachable: the job reaches them without the proxy (a self-hosted runner's internal hosts), and
// refusing them would turn a green job red. The check runs after the name is resolved, and the
// tunnel connects to that address (no second lookup a DNS rebinding could answer differently).
// Under the test mapping (origin-map.ts) only loopback literals and mapped hosts are reached, and
// no name is ever looked up.
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { embeddedIpv4 } from '../upstream/ip-literals.js';
import { type ConnectTarget, type OriginMap, OriginMapError } from './origin-map.js';

export class TunnelRefusedError extends Error {}

const REFUSED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  REFUSED.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fe80::', 10],
  ['ff00::', 8],
  // NAT64 (64:ff9b::/96) addresses embedding the refused IPv4 ranges.
  ['64:ff9b::', 104],
  ['64:ff9b::7f00:0', 104],
  ['64:ff9b::a9fe:0', 112],
  ['64:ff9b::e000:0', 100],
  ['64:ff9b::f000:0', 100],
] as const)
  REFUSED.addSubnet(network, prefix, 'ipv6');

/** False for loopback, link-local, unspecified and multicast addresses, and for non-addresses. */
export function isTunnelAllowed(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  // An IPv4-mapped (or -compatible) IPv6 address, however it is spelled, connects to its IPv4
  // address: read as the file-host rule reads it, so both rules agree on every spelling.
  const embedded = family === 6 ? embeddedIpv4(address) : undefined;
  if (embedded) return isTunnelAllowed(embedded);
  return !REFUSED.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The address and port a tunnel for `host:port` connects to; throws TunnelRefusedError. */
export async function tunnelDestination(
  host: string,
  port: number,
  origins: OriginMap,
  resolve: (host: string) => Promise<string[]> = resolveAll,
): Promise<ConnectTarget> {
  const bare = host.replace(/^\[|\]$/g, '');
  if (origins.isTestMapping) {
    try {
      return origins.tunnelTarget(host, port);
    } catch (error: unknown) {
      if (error instanceof OriginMapError) throw new TunnelRefusedError(error.message);
      throw error;
    }
  }
  const addresses = isIP(bare) ? [bare] : await resolve(bare);
  const refused = addresses.find((address) => !isTunnelAllowed(address));
  if (addresses.length === 0 || refused !== undefined) {
    throw new TunnelRefusedError(
      `CONNECT ${host}:${port}: ${refused ?? 'no address'} is a loopback, link-local or multicast address; tunnels never go there`,
    );
  }
  return { host: addresses[0] as string, port };
}

/**
 * Where a tunnel through the job's HTTPS proxy asks that proxy to CONNECT: the same checks
 * first (a literal or a name that resolves here to loopback, link-local or multicast is refused),
 * but a name this machine cannot resolve is left to the proxy, which resolves names for the job
 * (a runner behind a corporate proxy often has no outside DNS), and the name, not an address, is
 * what the proxy is asked for (its rules are by name). What that proxy reaches is what the job
 * reached through it without us.
 */
export async function chainedTunnelTarget(
  host: string,
  port: number,
  origins: OriginMap,
  resolve: (host: string) => Promise<string[]> = resolveAll,
): Promise<ConnectTarget> {
  if (origins.isTestMapping) return tunnelDestination(host, port, origins, resolve);
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare)) return tunnelDestination(bare, port, origins, resolve);
  const addresses = await resolve(bare).catch(() => [] as string[]);
  const refused = addresses.find((address) => !isTunnelAllowed(address));
  if (refused !== undefined) {
    throw new TunnelRefusedError(
      `CONNECT ${host}:${port}: ${refused} is a loopback, link-local or multicast address; tunnels never go there`,
    );
  }
  return { host: bare, port };
}

async function resolveAll(host: string): Promise<string[]> {
  try {
    return (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
  } catch (error: unknown) {
    throw new TunnelRefusedError(`CONNECT ${host}: cannot resolve (${(error as Error).message})`);
  }
}
