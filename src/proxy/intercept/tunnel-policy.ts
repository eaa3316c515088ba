// Where a plain CONNECT tunnel may go. The daemon listens on loopback for the job's own tools,
// but a tunnel is still a way to reach addresses the job did not mean to: the cloud metadata
// service (169.254.169.254), the runner's private network, the daemon's own loopback ports. So a
// tunnel goes only to public addresses, checked after the name is resolved and connected to by
// that address (no second lookup a DNS rebinding could answer differently). Under the test
// mapping (origin-map.ts) only loopback literals and mapped hosts are reached, and no name is
// ever looked up.
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { type ConnectTarget, type OriginMap, OriginMapError } from './origin-map.js';

export class TunnelRefusedError extends Error {}

const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  // An IPv4-mapped IPv6 address is its IPv4 address (BlockList would not look inside it).
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return isPublicAddress(mapped);
  if (family === 6 && /^::ffff:/i.test(address)) return false;
  return !NOT_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
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
  const refused = addresses.find((address) => !isPublicAddress(address));
  if (addresses.length === 0 || refused !== undefined) {
    throw new TunnelRefusedError(
      `CONNECT ${host}:${port}: ${refused ?? 'no address'} is not a public address; tunnels go to public hosts only`,
    );
  }
  return { host: addresses[0] as string, port };
}

async function resolveAll(host: string): Promise<string[]> {
  try {
    return (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
  } catch (error: unknown) {
    throw new TunnelRefusedError(`CONNECT ${host}: cannot resolve (${(error as Error).message})`);
  }
}
