// Which configured indexes interception answers for besides PyPI (issue 10): the user names
// their hosts in `intercept-hosts`. A private index is a plain tunnel unless listed, so its
// packages never land in an entry that a pull request from a fork could restore unless the user
// says so; a listed host must be one of index-url / extra-index-urls, so the daemon knows its
// pages (for the hashes) and its credentials.
import { PYPI_HOSTS } from '../proxy/launcher.js';
import { InputError } from './inputs.js';
import type { Upstreams } from './job-proxy.js';

interface NamedUrl {
  name: string;
  url: URL;
}

function specUrls(upstreams: Upstreams): NamedUrl[] {
  return upstreams.specs.map((spec) => {
    const eq = spec.indexOf('=');
    return { name: spec.slice(0, eq), url: new URL(spec.slice(eq + 1)) };
  });
}

/** `host` or `host:port`, as `intercept-hosts` lists an index's host. */
function hostOf(url: URL): string {
  return url.port && url.port !== '443' ? `${url.hostname}:${url.port}` : url.hostname;
}

/** The names of the upstreams whose hosts are listed (for the daemon's --intercept-upstream). */
export function interceptedMirrors(hosts: string[], upstreams: Upstreams): string[] {
  const configured = specUrls(upstreams);
  const names: string[] = [];
  for (const host of hosts) {
    // PyPI's hosts are intercepted anyway.
    if (PYPI_HOSTS.includes(host)) continue;
    const matches = configured.filter(({ url }) => hostOf(url) === host);
    const listing = configured.map(({ name, url }) => `${name}=${hostOf(url)}`).join(', ');
    if (matches.length === 0) {
      throw new InputError(
        'intercept-hosts',
        `'${host}' is not the host of index-url or of an extra-index-urls entry (configured: ${listing}); list only those (pypi.org and files.pythonhosted.org are intercepted anyway).`,
      );
    }
    if (matches.length > 1) {
      throw new InputError(
        'intercept-hosts',
        `'${host}' is the host of ${matches.map((m) => m.name).join(' and ')}; interception answers one index a host, so list a host only when one configured index is on it.`,
      );
    }
    const [match] = matches as [NamedUrl];
    if (match.url.protocol !== 'https:') {
      throw new InputError(
        'intercept-hosts',
        `'${host}' serves ${match.name} over http://; only https indexes are intercepted (an http index is not reached through HTTPS_PROXY).`,
      );
    }
    names.push(match.name);
  }
  return names;
}
