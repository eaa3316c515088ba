// Where a page may send the proxy (issue 9, case 12). A project page names the URLs of its files,
// and answers redirect; left alone, a hostile or compromised index could make the proxy fetch
// from the runner's own services (loopback on another port) or the cloud metadata address
// (169.254.169.254) and store what came back. File links and every redirect hop go only to:
// - the index's own host name (any port: the host's operator controls them all, and indexes such
//   as devpi or a stand-in serve files on a second port),
// - files.pythonhosted.org for pypi.org (test-files.pythonhosted.org for test.pypi.org),
// - the hosts given with --allow-file-host (`files.example.com`, or `*.example.com` for its
//   subdomains), for private indexes whose files live elsewhere (object storage).
// Whatever the host name, the address connected to (checked when it is resolved, so a name that
// points at one counts too) is never link-local (169.254.0.0/16, fe80::/10), and loopback only
// when the index itself is on loopback. The index's own host is exempt: it is configured.
import dns, { type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { ipv4Octets, ipv6Groups } from './ip-literals.js';

const COMPANION_HOSTS: Record<string, string[]> = {
  'pypi.org': ['files.pythonhosted.org'],
  'test.pypi.org': ['test-files.pythonhosted.org'],
};

export type AddressKind = 'loopback' | 'link-local' | 'other';

export function addressKind(address: string): AddressKind {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const v4 = ipv4Octets(bare);
  if (v4) {
    if (v4[0] === 127 || v4.every((octet) => octet === 0)) return 'loopback';
    if (v4[0] === 169 && v4[1] === 254) return 'link-local';
    return 'other';
  }
  const groups = isIP(bare) === 6 ? ipv6Groups(bare) : undefined;
  if (!groups) return 'other';
  if (groups.slice(0, 7).every((g) => g === 0) && (groups[7] ?? 0) <= 1) return 'loopback'; // ::1, ::
  if (((groups[0] ?? 0) & 0xffc0) === 0xfe80) return 'link-local';
  return 'other';
}

/** Resolves a host name to its addresses; dns.lookup in a job, a fixed table in tests. */
export type HostLookup = (hostname: string) => Promise<LookupAddress[]>;

const systemLookup: HostLookup = (hostname) => dns.promises.lookup(hostname, { all: true });

type LookupCallback = (error: Error | null, address: string | LookupAddress[], family?: number) => void;

export class FileHostError extends Error {}

export class FileHostPolicy {
  private readonly indexHost: string;
  private readonly indexOnLoopback: boolean;
  private readonly allowed: string[];

  constructor(
    indexUrl: string,
    configured: readonly string[] = [],
    private readonly resolve: HostLookup = systemLookup,
  ) {
    this.indexHost = bareHost(new URL(indexUrl).hostname);
    this.indexOnLoopback =
      addressKind(this.indexHost) === 'loopback' ||
      this.indexHost === 'localhost' ||
      this.indexHost.endsWith('.localhost');
    this.allowed = [
      ...(COMPANION_HOSTS[this.indexHost] ?? []),
      ...configured.map((host) => host.toLowerCase()),
    ];
  }

  /** Why the proxy may not fetch `url` for this index, from the URL alone; undefined: it may. */
  refusal(url: string): string | undefined {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'not a URL';
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `scheme ${parsed.protocol}`;
    const host = bareHost(parsed.hostname);
    if (host === this.indexHost) return undefined;
    if (!this.allowed.some((pattern) => hostMatches(host, pattern)))
      return `host ${host} is neither the index's host nor allowed (--allow-file-host)`;
    return isIP(host) ? this.addressRefusal(host) : undefined;
  }

  /** The address rule, for an address a host name resolved to. */
  addressRefusal(address: string): string | undefined {
    const kind = addressKind(address);
    if (kind === 'link-local') return `address ${address} is link-local`;
    if (kind === 'loopback' && !this.indexOnLoopback)
      return `address ${address} is loopback, and the index is not`;
    return undefined;
  }

  /** Whether a connection to `hostname` is under the address rule (not the index's own host). */
  checksAddressesOf(hostname: string): boolean {
    return bareHost(hostname) !== this.indexHost;
  }

  /**
   * A `lookup` for http.request (net.connect calls it for host names, never for literals): the
   * addresses come from `resolve` and are refused before any socket connects to them.
   */
  readonly lookup = (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    this.resolve(hostname).then(
      (addresses) => {
        const checked = this.checksAddressesOf(hostname);
        const refused = checked
          ? addresses.map((a) => this.addressRefusal(a.address)).find(Boolean)
          : undefined;
        if (refused) {
          callback(new FileHostError(`${hostname} resolves to a refused address: ${refused}`), '', 0);
          return;
        }
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0]?.address ?? '', addresses[0]?.family ?? 4);
      },
      (error: unknown) => callback(error as Error, '', 0),
    );
  };
}

function bareHost(hostname: string): string {
  return hostname.toLowerCase().replace(/^\[|\]$/g, '');
}

function hostMatches(host: string, pattern: string): boolean {
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  return host === bareHost(pattern);
}
