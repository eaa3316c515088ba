// What the command line says about a running proxy: one line at start (where to point pip, the
// store, the policy, the upstreams) and one on exit (what was served and from where). Upstream
// URLs go through the proxy's redaction, as in its warnings and errors.
import { type ProxyStatsSnapshot, type RunningProxy, redactUrl } from '../proxy/index.js';
import { formatBytes } from '../system/folder-size.js';

export function startLine(proxy: RunningProxy): string {
  const upstreams = proxy.upstreams.map((u) => `${u.name}=${redactUrl(u.indexUrl)}`).join(', ');
  const store = proxy.readOnly ? `${proxy.storeDir} (read-only)` : proxy.storeDir;
  return (
    `pypi-cache-proxy listening on ${proxy.url} (index ${proxy.url}/simple/); ` +
    `store ${store}; index policy ${proxy.indexPolicy}; upstream ${upstreams}` +
    (proxy.outboundProxy ? `; through the job's HTTPS proxy ${proxy.outboundProxy}` : '')
  );
}

export function exitLine(stats: ProxyStatsSnapshot): string {
  return (
    `pypi-cache-proxy: served ${stats.requests} requests: ${stats.servedFromStore} from the store ` +
    `(${formatBytes(stats.storeBytes)}), ${stats.fetchedUpstream} from upstream ` +
    `(${formatBytes(stats.upstreamBytes)}), ${stats.revalidated} revalidated (304), ${stats.errors} errors`
  );
}
