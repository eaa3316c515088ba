// Upstream indexes from `--upstream [name=]URL`. The first is `pypi` unless named and serves
// `/simple/`; every other one serves `/<name>/simple/` only. They are never merged: a project
// found on two indexes would otherwise let a public upload shadow a private package
// (dependency confusion; see uv's `--index-strategy` docs for the same stance).
//
// Credentials come from the URL's userinfo or from PYPI_CACHE_PROXY_AUTH_<NAME> ("user:password",
// e.g. "__token__:pypi-..."; the environment wins). They are kept only as an Authorization
// header value, never in the URL, and sent only to the upstream's own origin.
import { credentialsEnvName, isValidUpstreamName } from '../names.js';

/**
 * Upstreams for the daemon, one `[name=]URL` a line, read when no --upstream is given: how the
 * action passes them, since a command line is readable by every user (/proc/<pid>/cmdline).
 */
export const UPSTREAMS_ENV = 'PYPI_CACHE_PROXY_UPSTREAMS';

export const DEFAULT_UPSTREAM_URL = 'https://pypi.org/simple/';
export const DEFAULT_UPSTREAM_NAME = 'pypi';

export interface Upstream {
  name: string;
  /** Index URL with a trailing slash and without credentials: safe to log. */
  indexUrl: string;
  /** `Basic ...`; never logged, stored or rendered. */
  authorization?: string;
}

export class UpstreamConfigError extends Error {}

function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

function splitSpec(spec: string, position: number): { name: string; rawUrl: string } {
  const named = /^([^=:/]+)=(.+)$/.exec(spec);
  if (named?.[1] && named[2]) return { name: named[1], rawUrl: named[2] };
  return { name: position === 0 ? DEFAULT_UPSTREAM_NAME : `upstream${position + 1}`, rawUrl: spec };
}

function parseIndexUrl(rawUrl: string, name: string): URL {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new UpstreamConfigError(`--upstream ${name}: not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UpstreamConfigError(`--upstream ${name}: only http and https URLs are supported`);
  }
  if (url.search || url.hash)
    throw new UpstreamConfigError(`--upstream ${name}: no query or fragment, please`);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

export function parseUpstream(
  spec: string,
  position: number,
  env: NodeJS.ProcessEnv = process.env,
): Upstream {
  const { name, rawUrl } = splitSpec(spec.trim(), position);
  if (!isValidUpstreamName(name)) {
    throw new UpstreamConfigError(
      `--upstream: invalid name ${JSON.stringify(name)} (lowercase letters, digits, - and _; not simple or files)`,
    );
  }
  const url = parseIndexUrl(rawUrl, name);
  let authorization: string | undefined;
  if (url.username || url.password) {
    authorization = basicAuthorization(decodeURIComponent(url.username), decodeURIComponent(url.password));
    url.username = '';
    url.password = '';
  }
  const fromEnv = env[credentialsEnvName(name)];
  if (fromEnv) {
    const colon = fromEnv.indexOf(':');
    authorization =
      colon < 0
        ? basicAuthorization(fromEnv, '')
        : basicAuthorization(fromEnv.slice(0, colon), fromEnv.slice(colon + 1));
  }
  return authorization
    ? { name, indexUrl: url.toString(), authorization }
    : { name, indexUrl: url.toString() };
}

export function parseUpstreams(specs: string[], env: NodeJS.ProcessEnv = process.env): Upstream[] {
  const upstreams = (specs.length > 0 ? specs : [DEFAULT_UPSTREAM_URL]).map((spec, i) =>
    parseUpstream(spec, i, env),
  );
  const names = new Set<string>();
  for (const upstream of upstreams) {
    if (names.has(upstream.name))
      throw new UpstreamConfigError(`--upstream: name ${upstream.name} used twice`);
    names.add(upstream.name);
  }
  return upstreams;
}

export { redactUrl } from './url-secrets.js';
