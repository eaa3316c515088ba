// Which hosts interception terminates TLS for, and which upstream each one belongs to:
// pypi.org (pages) and files.pythonhosted.org (files) for public PyPI, plus the hosts of the
// upstreams the user names as PyPI mirrors. Every other host is a plain tunnel.
import type { Upstream } from '../upstream/upstream-config.js';
import { checkedHostName, InterceptConfigError } from './intercepted-host-names.js';

import { PYPI_FILES_HOST, PYPI_PAGES_HOST } from './pypi-hosts.js';

const PYPI_INDEX_URL = 'https://pypi.org/simple/';

export interface InterceptedHost {
  host: string;
  port: number;
  upstream: Upstream;
  /** The path of the upstream's simple index on this host (`/simple/`), when it serves pages. */
  indexPath?: string;
  /** Whether file paths carry Warehouse's blake2b-256 digest (files.pythonhosted.org). */
  pathDigests: boolean;
  /** Paths outside the index: files (verified, stored), or passed through unstored (pypi.org's JSON API). */
  otherPaths: 'file' | 'passthrough';
}

function hostKey(host: string, port: number): string {
  return `${host.toLowerCase()}:${port}`;
}

export class InterceptHosts {
  private readonly byKey = new Map<string, InterceptedHost>();

  /**
   * `mirrors`: names of configured upstreams to intercept too. Public PyPI's files are
   * checked against the upstream that indexes pypi.org, or an internal one when none does.
   */
  constructor(upstreams: readonly Upstream[], mirrors: readonly string[] = []) {
    const pypi = upstreams.find((u) => new URL(u.indexUrl).hostname === PYPI_PAGES_HOST) ?? {
      name: upstreams.some((u) => u.name === 'pypi') ? 'pypi-org' : 'pypi',
      indexUrl: PYPI_INDEX_URL,
    };
    this.add({
      host: PYPI_PAGES_HOST,
      port: 443,
      upstream: pypi,
      indexPath: '/simple/',
      pathDigests: false,
      otherPaths: 'passthrough',
    });
    this.add({ host: PYPI_FILES_HOST, port: 443, upstream: pypi, pathDigests: true, otherPaths: 'file' });
    for (const name of mirrors) {
      const upstream = upstreams.find((u) => u.name === name);
      if (!upstream) {
        throw new InterceptConfigError(
          `--intercept-upstream ${JSON.stringify(name)}: no such upstream (configured: ${upstreams.map((u) => u.name).join(', ')})`,
        );
      }
      const url = new URL(upstream.indexUrl);
      if (url.protocol !== 'https:') {
        throw new InterceptConfigError(
          `--intercept-upstream ${name}: ${url.protocol} index; only https mirrors are intercepted (plain http needs no interception)`,
        );
      }
      const host = checkedHostName(url.hostname);
      if (this.byKey.has(hostKey(host, Number(url.port || 443)))) continue;
      this.add({
        host,
        port: Number(url.port || 443),
        upstream,
        indexPath: url.pathname,
        pathDigests: false,
        otherPaths: 'file',
      });
    }
  }

  private add(entry: InterceptedHost): void {
    this.byKey.set(hostKey(entry.host, entry.port), entry);
  }

  find(host: string, port: number): InterceptedHost | undefined {
    return this.byKey.get(hostKey(host.replace(/\.$/, ''), port));
  }

  /** The names the job CA may vouch for. */
  get names(): string[] {
    return [...new Set([...this.byKey.values()].map((entry) => entry.host))];
  }

  get all(): InterceptedHost[] {
    return [...this.byKey.values()];
  }
}
