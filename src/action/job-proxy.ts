import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@actions/core';
import type { LockedUrls } from '../key/locked-urls.js';
import type { LockfilePins } from '../key/lockfile-pins.js';
import type { IndexPolicy, Manifest, ProxyStatsSnapshot } from '../proxy/index.js';
import {
  credentialsEnvName,
  fetchProxyManifest,
  fetchProxyStats,
  indexUrlForKey,
  indexUrlSecrets,
  launchProxy,
  launchTunnelRelay,
  OUTBOUND_PROXY_ENV,
  QUERY_TIMEOUT_MS,
  readManifest,
  redactIndexUrl,
  STOP_TIMEOUT_MS,
  stopProxy,
  tail,
} from '../proxy/launcher.js';
import { type ExtraIndex, InputError } from './inputs.js';
import type { ProxyMode } from './intercept-env.js';
import { ensureJobFolder, jobTempFolder } from './job-folders.js';
import { daemonOutboundEnv, type JobHttpsProxy } from './job-https-proxy.js';

// The proxy as the job's daemon: which upstreams it fronts, starting it in the main step,
// the environment that points pip and uv at it, and stopping it in the post step.

export const DEFAULT_INDEX_URL = 'https://pypi.org/simple/';

export interface ProxyState {
  pid: number;
  /** What later steps use, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  storeDir: string;
  outputFile: string;
  manifestFile: string;
  policy: IndexPolicy;
  /** index: clients are pointed at /simple/; intercept: the daemon is their HTTPS proxy too. */
  mode?: ProxyMode;
  /** Under interception: the job CA's certificate (PEM, public). */
  caCertPem?: string;
  /** The address the daemon was bound to (--host): the tunnel relay binds there too. */
  listenHost?: string;
}

export interface Upstreams {
  /** `name=URL` without credentials, for the daemon's environment (never its argv). */
  specs: string[];
  /** `name=URL` without credentials or token-like parts: what the cache key hashes (url-secrets.ts). */
  keyParts: string[];
  extras: ExtraIndex[];
  /** PYPI_CACHE_PROXY_AUTH_<NAME> for the daemon: credentials never go on its command line. */
  credentials: Record<string, string>;
}

/** The upstream: the input, else what the job already points pip or uv at, else PyPI. */
export function resolveUpstreams(
  indexUrl: string | undefined,
  extras: ExtraIndex[],
  env: NodeJS.ProcessEnv,
): Upstreams {
  const primary = indexUrl ?? jobIndexUrl(env) ?? DEFAULT_INDEX_URL;
  const credentials: Record<string, string> = {};
  const indexes = [{ name: 'pypi', url: primary }, ...extras];
  const specs = indexes.map(({ name, url }) => {
    // Before anything can print it: the URL, its credentials and its secret-looking path
    // segments (a token), but no common word, which would blank out half the log.
    for (const secret of indexUrlSecrets(url)) core.setSecret(secret);
    const parsed = new URL(url);
    if (parsed.username || parsed.password) {
      credentials[credentialsEnvName(name)] =
        `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
      parsed.username = '';
      parsed.password = '';
    }
    return `${name}=${parsed.toString()}`;
  });
  const keyParts = indexes.map(({ name, url }) => `${name}=${indexUrlForKey(url)}`);
  return { specs, keyParts, extras, credentials };
}

/** The index the job already points pip or uv at; checked like the input it stands in for. */
function jobIndexUrl(env: NodeJS.ProcessEnv): string | undefined {
  for (const variable of ['PIP_INDEX_URL', 'UV_DEFAULT_INDEX']) {
    const value = env[variable]?.trim();
    if (!value) continue;
    try {
      const url = new URL(value);
      if (url.protocol === 'http:' || url.protocol === 'https:') return value;
    } catch {
      // reported below
    }
    throw new InputError(
      'index-url',
      `it is empty, so the job's ${variable} would be the upstream, but that is not an http(s) URL.`,
    );
  }
  return undefined;
}

export async function startJobProxy(options: {
  upstreams: Upstreams;
  /** More hosts the daemon may fetch files from (the allow-file-hosts input). */
  allowFileHosts: string[];
  storeDir: string;
  host: string;
  /** Candidates in order: the daemon binds the first free one (proxy-port.ts). */
  port: readonly number[];
  policy: IndexPolicy;
  pins: LockfilePins;
  env: NodeJS.ProcessEnv;
  /** The job's HTTPS proxy: in the daemon's environment only (job-https-proxy.ts). */
  outbound?: JobHttpsProxy;
  /** Interception on, with the URL hashes the lockfiles lock and the mirrors listed for it. */
  intercept?: { lockedUrls: LockedUrls; mirrors?: string[] };
}): Promise<ProxyState> {
  const workDir = jobProxyWorkDir(options.env);
  // The daemon's manifest, the job CA and the CA bundle the job trusts are written here.
  await ensureJobFolder(workDir, options.env);
  const pinsFile = join(workDir, 'pins.json');
  const caFile = join(workDir, 'job-ca.pem');
  const intercept = options.intercept && {
    caFile,
    mirrors: options.intercept.mirrors,
    lockedHashesFile: await writeLockedHashes(
      join(workDir, 'locked-hashes.json'),
      options.intercept.lockedUrls,
    ),
  };
  const launched = await launchProxy({
    ...proxyDaemonScript(import.meta.url),
    storeDir: options.storeDir,
    upstreams: options.upstreams.specs,
    allowFileHosts: options.allowFileHosts,
    host: options.host,
    port: options.port,
    indexPolicy: options.policy,
    workDir,
    env: { ...options.env, ...options.upstreams.credentials, ...daemonOutboundEnv(options.outbound) },
    pinsFile: await writePins(pinsFile, options.pins),
    intercept,
  });
  // Bound to every interface, the proxy is still reached on loopback from the job itself.
  const url = launched.url.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');
  return {
    pid: launched.pid,
    url,
    storeDir: options.storeDir,
    outputFile: launched.outputFile,
    manifestFile: launched.manifestFile,
    policy: options.policy,
    mode: intercept ? 'intercept' : 'index',
    listenHost: options.host,
    ...(intercept ? { caCertPem: await readFile(caFile, 'utf8') } : {}),
  };
}

export function jobProxyWorkDir(env: NodeJS.ProcessEnv): string {
  return jobTempFolder(env, 'pypi-cache-proxy');
}

async function writeLockedHashes(path: string, locked: LockedUrls): Promise<string | undefined> {
  if (Object.keys(locked).length === 0) return undefined;
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify({ files: locked }));
  return path;
}

/**
 * The daemon's script. Bundled, it is dist/proxy.js beside this chunk. From the source tree
 * (@github/local-action runs src/main.ts under tsx) it is src/cli/proxy.ts, run with the loader
 * flags this process was started with, as Node cannot run TypeScript on its own.
 */
export function proxyDaemonScript(moduleUrl: string): { script: string; loaderFlags: string[] } {
  const bundled = fileURLToPath(new URL('./proxy.js', moduleUrl));
  if (!moduleUrl.endsWith('.ts') && existsSync(bundled)) return { script: bundled, loaderFlags: [] };
  return {
    script: fileURLToPath(new URL('../cli/proxy.ts', moduleUrl)),
    loaderFlags: process.execArgv,
  };
}

async function writePins(path: string, pins: LockfilePins): Promise<string | undefined> {
  if (Object.keys(pins).length === 0) return undefined;
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify({ projects: pins }));
  return path;
}

/** The upstreams as the log may show them: names and hosts, no path off public PyPI. */
export function describeUpstreams(upstreams: Upstreams): string {
  return upstreams.specs
    .map((spec) => {
      const eq = spec.indexOf('=');
      return `${spec.slice(0, eq)}=${redactIndexUrl(spec.slice(eq + 1))}`;
    })
    .join(', ');
}

/** What later steps need to install through the proxy. */
export function installerEnvironment(
  url: string,
  extras: ExtraIndex[],
  env: NodeJS.ProcessEnv,
): Record<string, string> {
  const host = new URL(url).host;
  const trusted = [env.PIP_TRUSTED_HOST, host].filter(Boolean).join(' ');
  const exported: Record<string, string> = {
    PIP_INDEX_URL: `${url}/simple/`,
    // pip caches HTTP responses only from https or trusted hosts (pip's network/session.py).
    PIP_TRUSTED_HOST: trusted,
    UV_DEFAULT_INDEX: `${url}/simple/`,
  };
  if (extras.length > 0) {
    exported.PIP_EXTRA_INDEX_URL = extras.map((extra) => `${url}/${extra.name}/simple/`).join(' ');
    exported.UV_INDEX = extras.map((extra) => `${extra.name}=${url}/${extra.name}/simple/`).join(' ');
  }
  return exported;
}

export interface StoppedProxy {
  stats: ProxyStatsSnapshot | undefined;
  /** What the job used; undefined when the proxy died before it could say. */
  manifest: Manifest | undefined;
  /** Set when the proxy was not running at the end of the job. */
  problem: string | undefined;
}

/** How long the post step waits on the daemon: for its stats and manifest, then for it to exit. */
export interface StopBounds {
  queryTimeoutMs: number;
  stopTimeoutMs: number;
}

/**
 * The post step's bounds. Test-only: a test of a stuck daemon passes shorter ones to stopJobProxy
 * (the post step never does), so that it does not wait 10 s for the same outcome.
 */
export const STOP_BOUNDS: StopBounds = { queryTimeoutMs: QUERY_TIMEOUT_MS, stopTimeoutMs: STOP_TIMEOUT_MS };

/**
 * Bounded however the daemon behaves: two queries of QUERY_TIMEOUT_MS side by side, then
 * STOP_TIMEOUT_MS for it to exit before it is killed (about 10 s in all for a stuck daemon).
 */
export async function stopJobProxy(state: ProxyState, bounds = STOP_BOUNDS): Promise<StoppedProxy> {
  // Asked over HTTP first: stats die with the process, and Windows has no graceful SIGTERM.
  const [stats, liveManifest] = await Promise.all([
    fetchProxyStats(state.url, bounds.queryTimeoutMs),
    fetchProxyManifest(state.url, bounds.queryTimeoutMs),
  ]);
  const stopped = await stopProxy(state.pid, bounds.stopTimeoutMs, state.storeDir);
  if (state.mode === 'intercept') await relayTunnels(state);
  // The manifest written on shutdown also holds downloads that finished while stopping.
  const manifest = existsSync(state.manifestFile)
    ? await readManifest(state.manifestFile).catch(() => liveManifest)
    : liveManifest;
  return {
    stats,
    manifest,
    problem: stopProblem(state, stopped, stats !== undefined, bounds.stopTimeoutMs),
  };
}

/**
 * Under interception, later post steps (of actions listed before ours) still have HTTPS_PROXY
 * pointing at the daemon's address: a relay takes the port over and tunnels every host plainly,
 * as if no proxy were set, so they keep working while the store is saved. The runner ends it
 * with the job.
 */
async function relayTunnels(state: ProxyState): Promise<void> {
  // This step's own requests (the cache save) go to the job's proxy itself, relay or not.
  const outbound = process.env[OUTBOUND_PROXY_ENV];
  if (outbound) {
    process.env.HTTPS_PROXY = outbound;
    process.env.https_proxy = outbound;
  }
  const { hostname, port } = new URL(state.url);
  try {
    const relay = await launchTunnelRelay({
      ...proxyDaemonScript(import.meta.url),
      host: state.listenHost ?? hostname.replace(/^\[|\]$/g, ''),
      port: Number(port),
      workDir: dirname(state.outputFile),
      env: process.env,
    });
    core.info(
      `Tunnel relay on ${relay.url} (pid ${relay.pid}): later steps' HTTPS_PROXY keeps working until the job ends.`,
    );
  } catch (error: unknown) {
    core.warning(
      `Could not keep ${state.url} tunnelling for the steps after this one (${(error as Error).message}); an HTTPS request of theirs through HTTPS_PROXY may fail.`,
    );
  }
}

/** What went wrong with the daemon during the job, for the post step's warning; undefined: nothing. */
export function stopProblem(
  state: ProxyState,
  stopped: Awaited<ReturnType<typeof stopProxy>>,
  answered: boolean,
  stopTimeoutMs = STOP_TIMEOUT_MS,
): string | undefined {
  const output = tail(state.outputFile, 5);
  if (stopped === 'killed') {
    return `the proxy did not exit within ${stopTimeoutMs / 1000} s of SIGTERM and was killed${answered ? '' : ' (it did not answer either)'}: ${output}`;
  }
  // Under interception the dead address was the job's HTTPS_PROXY: not only installs failed.
  const blast =
    state.mode === 'intercept'
      ? `; HTTPS_PROXY pointed at ${state.url}, so every HTTPS request of the steps after it stopped failed, not only installs (git, curl, other actions' downloads); from this step on, a tunnel relay keeps that address working`
      : '';
  if (stopped === 'not-ours') {
    return `the proxy stopped during the job (pid ${state.pid} is now another process, left alone)${blast}: ${output}`;
  }
  if (stopped === 'not-running' || !answered) return `the proxy stopped during the job${blast}: ${output}`;
  return undefined;
}
