// IP address literals as numbers, whatever their spelling: an IPv6 address with or without `::`,
// in upper case, with a dotted IPv4 tail, and the IPv4 address inside an IPv4-mapped
// (`::ffff:7f00:1`, `0:0:0:0:0:ffff:127.0.0.1`) or -compatible one, which connects to that IPv4
// address. The address rules (file-hosts.ts for fetches, tunnel-policy.ts for tunnels) read
// literals through here, so no spelling of 127.0.0.1 passes one of them.
import { isIP } from 'node:net';

/** IPv4 as four numbers, from a dotted quad or an IPv4-mapped/-compatible IPv6 address. */
export function ipv4Octets(address: string): number[] | undefined {
  if (isIP(address) === 4) return address.split('.').map(Number);
  if (isIP(address) !== 6) return undefined;
  const groups = ipv6Groups(address);
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible) both reach the IPv4 address.
  if (!groups || groups.slice(0, 5).some((g) => g !== 0) || (groups[5] !== 0xffff && groups[5] !== 0))
    return undefined;
  if (groups[5] === 0 && groups[6] === 0 && (groups[7] ?? 0) <= 1) return undefined; // :: and ::1
  const [high = 0, low = 0] = groups.slice(6);
  return [high >> 8, high & 255, low >> 8, low & 255];
}

export function ipv6Groups(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = quad[1].split('.').map(Number);
    text = `${text.slice(0, -quad[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 0) return undefined;
  return [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...right].map((g) =>
    Number.parseInt(g, 16),
  );
}

/** The IPv4 address an IPv4 or IPv4-mapped/-compatible IPv6 literal connects to, dotted. */
export function embeddedIpv4(address: string): string | undefined {
  return ipv4Octets(address)?.join('.');
}
