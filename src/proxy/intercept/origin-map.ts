// Where the daemon connects for a host under interception. In a job: the host itself. In tests:
// a test-only mapping sends pypi.org and files.pythonhosted.org to the PyPI stand-in on
// loopback, and it fails closed: once a mapping is given, any host it does not name and that is
// not a loopback address literal is refused, so a misconfigured test can never reach (or even
// resolve) a real host. Mapped targets must be loopback literals themselves.
import { isIP } from 'node:net';

export class OriginMapError extends Error {}

export interface ConnectTarget {
  host: string;
  port: number;
}

function isLoopbackLiteral(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return isIP(bare) === 6 && bare === '::1';
}

function defaultPort(url: URL): number {
  return url.protocol === 'https:' ? 443 : 80;
}

export class OriginMap {
  private readonly mapped: ReadonlyMap<string, URL> | undefined;

  /** Whether a test mapping is in force (then nothing but loopback is ever reached). */
  get isTestMapping(): boolean {
    return this.mapped !== undefined;
  }

  /** `testOrigins`: host name -> `http(s)://127.0.0.1:PORT`; omit in a job. */
  constructor(testOrigins?: Readonly<Record<string, string>>) {
    if (!testOrigins) return;
    const mapped = new Map<string, URL>();
    for (const [host, origin] of Object.entries(testOrigins)) {
      const url = new URL(origin);
      if (!isLoopbackLiteral(url.hostname) || url.pathname !== '/' || url.search) {
        throw new OriginMapError(
          `test origin for ${host}: ${JSON.stringify(origin)} is not a loopback origin like http://127.0.0.1:PORT`,
        );
      }
      mapped.set(host.toLowerCase(), url);
    }
    this.mapped = mapped;
  }

  /** The URL to request for `url`: itself in a job; its loopback stand-in in tests. */
  mapUrl(url: URL): URL {
    if (!this.mapped) return url;
    const origin = this.mapped.get(url.hostname.toLowerCase());
    if (origin) return new URL(`${url.pathname}${url.search}`, origin);
    if (isLoopbackLiteral(url.hostname)) return url;
    throw new OriginMapError(`test mapping: ${url.hostname} is neither mapped nor loopback; refused`);
  }

  /** Where a CONNECT tunnel for `host:port` goes. */
  tunnelTarget(host: string, port: number): ConnectTarget {
    if (!this.mapped) return { host, port };
    const origin = this.mapped.get(host.toLowerCase());
    if (origin) return { host: origin.hostname, port: Number(origin.port || defaultPort(origin)) };
    if (isLoopbackLiteral(host)) return { host: host.replace(/^\[|\]$/g, ''), port };
    throw new OriginMapError(`test mapping: ${host} is neither mapped nor loopback; refused`);
  }
}
