// The clients' side of interception (issue 10): which mode the proxy runs in, and the
// environment that sends pip, uv, requests and httpx through the daemon as an HTTPS proxy,
// trusting the job CA on top of what the job already trusted. No PIP_INDEX_URL or
// UV_DEFAULT_INDEX in this mode: the clients keep their own index URLs, so a uv.lock whose
// `source = { registry = "https://pypi.org/simple" }` stays up to date for `uv sync --locked`.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import tls from 'node:tls';
import { hasUrlLockfile } from '../key/locked-urls.js';
import { readCaPath } from '../proxy/upstream/job-trust.js';
import { type JobHttpsProxy, stepsOutboundEnv } from './job-https-proxy.js';

export type ProxyModeChoice = 'auto' | 'index' | 'intercept';
export type ProxyMode = 'index' | 'intercept';

/** The variables a CA bundle of the job may already come from, in the order they are read. */
const CA_VARIABLES = ['SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE', 'PIP_CERT'] as const;

export interface ModeDecision {
  mode: ProxyMode;
  /** Why, for the log. */
  reason: string;
}

/**
 * auto: interception when a uv.lock is among the dependency files: `uv sync` downloads from its
 * URLs and `uv cache prune --ci` would drop them, so only interception keeps them in the entry.
 * A pylock*.toml alone stays in index mode: pip (and `uv pip`) keep its files in their own
 * caches, which are then not pruned (downloadsPastProxy): a warm pip install from its cache
 * took 4.6 s against 7.6 s through interception, which serves 247 MB over TLS again
 * (BENCHMARKS.md, run lockfile), with 0 upstream requests either way. Behind a job HTTPS_PROXY
 * too: the daemon sends its connections through it (job-https-proxy.ts).
 */
export function chooseProxyMode(choice: ProxyModeChoice, files: string[]): ModeDecision {
  if (choice === 'index') return { mode: 'index', reason: "proxy-mode 'index'" };
  if (choice === 'intercept') return { mode: 'intercept', reason: "proxy-mode 'intercept'" };
  if (files.some(isUvLock)) return { mode: 'intercept', reason: 'a uv.lock records file URLs' };
  return hasUrlLockfile(files)
    ? {
        mode: 'index',
        reason:
          "a pylock.toml records file URLs, which pip and uv pip download past the proxy: their own caches keep those files (faster warm than through interception); proxy-mode 'intercept' sends them through the proxy",
      }
    : { mode: 'index', reason: 'no lockfile records file URLs' };
}

function isUvLock(file: string): boolean {
  return file === 'uv.lock' || file.endsWith('/uv.lock');
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

/**
 * Hosts of the runner's own services and GitHub's API: never through the tunnel. Behind a job
 * HTTPS_PROXY only loopback: the job reached those hosts through that proxy, and NO_PROXY would
 * send them direct, which such a network may not allow; through our tunnel they still reach it.
 */
export function noProxyHosts(env: NodeJS.ProcessEnv, chained = false): string[] {
  if (chained) return LOOPBACK_NAMES;
  const fromUrls = [
    'ACTIONS_CACHE_URL',
    'ACTIONS_RESULTS_URL',
    'ACTIONS_RUNTIME_URL',
    'ACTIONS_ID_TOKEN_REQUEST_URL',
    'GITHUB_API_URL',
    'GITHUB_SERVER_URL',
    'GITHUB_GRAPHQL_URL',
  ].flatMap((name) => {
    try {
      return env[name] ? [new URL(env[name] as string).hostname] : [];
    } catch {
      return [];
    }
  });
  return [
    ...LOOPBACK_NAMES,
    ...fromUrls,
    // The cache service's blobs, the runner's services, and GitHub itself on github.com.
    '.blob.core.windows.net',
    '.actions.githubusercontent.com',
    'api.github.com',
    'github.com',
  ];
}

function appendList(existing: string | undefined, more: string[]): string {
  const items = (existing ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  for (const item of more) if (!items.includes(item)) items.push(item);
  return items.join(',');
}

/** Node's roots, whatever the job's CA variables pointed at, and the job CA. */
export function caBundle(caCertPem: string, env: NodeJS.ProcessEnv): { pem: string; included: string[] } {
  const parts = [...tls.rootCertificates];
  const included: string[] = [];
  for (const name of CA_VARIABLES) {
    const path = env[name];
    if (!path || included.includes(path)) continue;
    // A file, or a folder of hashed certificates (c_rehash): the bundle replaces it for pip, so
    // its certificates must be in it. Nothing readable (a FIFO, a device, too large): left out.
    const text = readCaPath(path);
    if (text === undefined) continue;
    parts.push(text.trim());
    included.push(path);
  }
  parts.push(caCertPem.trim());
  return { pem: `${parts.join('\n')}\n`, included };
}

/** Writes the bundle and returns the variables for later steps. */
export async function interceptEnvironment(options: {
  proxyUrl: string;
  caCertPem: string;
  bundlePath: string;
  env: NodeJS.ProcessEnv;
  /** The job's HTTPS proxy, which the daemon's connections go through. */
  outbound?: JobHttpsProxy;
}): Promise<Record<string, string>> {
  const { pem } = caBundle(options.caCertPem, options.env);
  await mkdir(dirname(options.bundlePath), { recursive: true });
  await writeFile(options.bundlePath, pem);
  const noProxy = appendList(
    options.env.NO_PROXY ?? options.env.no_proxy,
    noProxyHosts(options.env, options.outbound !== undefined),
  );
  return {
    // The tunnel relay of the post step goes through the job's proxy as the daemon did: it
    // reads these, and they are where the job already had the URL, in the steps' environment.
    ...stepsOutboundEnv(options.outbound),
    HTTPS_PROXY: options.proxyUrl,
    https_proxy: options.proxyUrl,
    NO_PROXY: noProxy,
    no_proxy: noProxy,
    // uv, OpenSSL-based tools and httpx; pip 26's truststore reads it too.
    SSL_CERT_FILE: options.bundlePath,
    // pip, every version.
    PIP_CERT: options.bundlePath,
    // requests: poetry, pdm, twine.
    REQUESTS_CA_BUNDLE: options.bundlePath,
  };
}
