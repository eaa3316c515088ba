// The job's own HTTPS proxy (a corporate proxy), read in the main step before ours replaces
// HTTPS_PROXY: the daemon sends its own connections through it (src/proxy/upstream/
// outbound-proxy.ts), so the clients' other hosts reach it through our tunnels as before.
// Its URL may hold user:password: it is masked in the log before anything can print it, and it
// goes to the daemon in the environment only (never argv, never the state the main step saves,
// never the store). The post step's relay needs it too: it is kept in the steps' environment,
// where it already was as HTTPS_PROXY, under OUTBOUND_PROXY_ENV.
import * as core from '@actions/core';
import { OUTBOUND_NO_PROXY_ENV, OUTBOUND_PROXY_ENV } from '../proxy/launcher.js';

export interface JobHttpsProxy {
  /** The URL as the job gave it (credentials included): for the daemon's environment only. */
  url: string;
  /** `http://host:port` (or https://), for the log. */
  display: string;
  /** The job's NO_PROXY, which the daemon honours for its own connections. */
  noProxy: string;
}

export class JobHttpsProxyError extends Error {}

/**
 * The job's HTTPS proxy, or undefined. An earlier use of this action in the job under
 * interception recorded it in OUTBOUND_PROXY_ENV (empty: none), as HTTPS_PROXY then names that
 * run's daemon, which is not a proxy to chain to. Throws JobHttpsProxyError for a value the
 * daemon could not use, naming the variable and what is accepted (the main step then runs
 * without the proxy, with a warning: restore.ts).
 */
export function readJobHttpsProxy(env: NodeJS.ProcessEnv): JobHttpsProxy | undefined {
  const recorded = env[OUTBOUND_PROXY_ENV] !== undefined;
  const variable = recorded
    ? OUTBOUND_PROXY_ENV
    : ['HTTPS_PROXY', 'https_proxy'].find((name) => env[name]?.trim());
  if (!variable || !env[variable]?.trim()) return undefined;
  const url = (env[variable] as string).trim();
  let parsed: URL | undefined;
  try {
    parsed = new URL(url.includes('://') ? url : `http://${url}`);
  } catch {
    // reported below
  }
  if (parsed && (parsed.username || parsed.password)) {
    // Before anything can print it: the whole value, and the password on its own and encoded.
    core.setSecret(url);
    if (parsed.password) {
      core.setSecret(parsed.password);
      // A stray % in the password is no escape: decoding it would throw before the error below.
      const decoded = safeDecode(parsed.password);
      if (decoded) core.setSecret(decoded);
    }
  }
  const display = parsed ? `${parsed.protocol}//${parsed.host}` : '(not a URL)';
  const scheme = parsed?.protocol;
  if (
    !parsed ||
    (scheme !== 'http:' && scheme !== 'https:') ||
    (parsed.pathname !== '/' && parsed.pathname !== '') ||
    parsed.search ||
    parsed.hash
  ) {
    throw new JobHttpsProxyError(
      `the job's ${variable} (${display}) is not a proxy the cache's daemon can send its connections through: it takes http://[user:password@]host:port or https://[user:password@]host:port (CONNECT; an https:// proxy's certificate checked against the roots the job trusts).`,
    );
  }
  const noProxy = env[OUTBOUND_NO_PROXY_ENV] ?? env.NO_PROXY ?? env.no_proxy ?? '';
  return { url, display, noProxy };
}

/** What the daemon's environment gets (it reads these, never flags). */
export function daemonOutboundEnv(proxy: JobHttpsProxy | undefined): Record<string, string> {
  return proxy ? { [OUTBOUND_PROXY_ENV]: proxy.url, [OUTBOUND_NO_PROXY_ENV]: proxy.noProxy } : {};
}

/**
 * What later steps get under interception: the same, for the post step's relay, and empty when
 * the job had no proxy, so a later use of the action does not take our daemon for one.
 */
export function stepsOutboundEnv(proxy: JobHttpsProxy | undefined): Record<string, string> {
  return { [OUTBOUND_PROXY_ENV]: '', [OUTBOUND_NO_PROXY_ENV]: '', ...daemonOutboundEnv(proxy) };
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
