// Starting the proxy as the job's background daemon and stopping it again, from the action's
// main and post steps. The daemon is detached, with its output in a file of its own: a child
// that held the step's pipes would keep the runner waiting for the step to end.
import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { Agent, type AgentOptions, type ClientRequest, get } from 'node:http';
import { join } from 'node:path';
import { formatPorts } from './http/listen-ports.js';
import type { IndexPolicy, Manifest, ProxyStatsSnapshot } from './index.js';
import { isRunning } from './process-state.js';
import { DEFAULT_SHUTDOWN_GRACE_MS } from './shutdown-grace.js';
import { UPSTREAMS_ENV } from './upstream/upstream-config.js';

// The proxy's surface for the action (src/proxy/index.ts is the one for the daemon and the CLI):
// it re-exports only small modules, so the action's bundle does not carry the server.
export { PORTS_IN_USE_EXIT_CODE } from './http/listen-ports.js';
export { PYPI_HOSTS } from './intercept/pypi-hosts.js';
export { credentialsEnvName } from './names.js';
export { isRunning } from './process-state.js';
export { countStoredFiles, pruneStoreToManifest, readManifest } from './store/manifest.js';
export {
  readWheelhouseRecord,
  removeWheelhouseRecord,
  storedFile,
  usedDistributionFiles,
  type WheelhouseFile,
  writeWheelhouseRecord,
} from './store/wheelhouse-record.js';
export { isFileHostPattern } from './upstream/file-host-pattern.js';
export { OUTBOUND_NO_PROXY_ENV, OUTBOUND_PROXY_ENV } from './upstream/outbound-proxy.js';
export { UPSTREAMS_ENV } from './upstream/upstream-config.js';
export {
  indexUrlForKey,
  indexUrlSecrets,
  isPublicPypiHost,
  redactIndexUrl,
} from './upstream/url-secrets.js';

export interface LaunchOptions {
  /** dist/proxy.js, or src/cli/proxy.ts when the action runs from source. */
  script: string;
  /** Node flags the script needs, e.g. the TypeScript loader of a run from source. */
  loaderFlags?: string[];
  storeDir: string;
  /**
   * `[name=]URL` specs without credentials (those go in `env`). Passed in the daemon's
   * environment, never its command line: /proc/<pid>/cmdline is readable by every user, and
   * an index URL's path may hold a token.
   */
  upstreams: string[];
  /** More hosts the daemon may fetch files from (--allow-file-host; file-hosts.ts). */
  allowFileHosts?: string[];
  host: string;
  /** A list: the daemon binds the first that is free, and reports the one it bound. */
  port: number | readonly number[];
  indexPolicy: IndexPolicy;
  pinsFile?: string;
  /** Ready file, logs and manifest go here. */
  workDir: string;
  /** HTTPS interception: the job CA's certificate is written to caFile (issue 10). */
  intercept?: { caFile: string; lockedHashesFile?: string; mirrors?: string[] };
  /** The daemon's environment (credentials as PYPI_CACHE_PROXY_AUTH_<NAME>). */
  env: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
}

export interface LaunchedProxy {
  pid: number;
  /** e.g. http://127.0.0.1:41234, as the proxy reports it. */
  url: string;
  /** The daemon's stdout and stderr: warnings, and why it stopped. */
  outputFile: string;
  accessLog: string;
  manifestFile: string;
}

/**
 * Node flags for the daemon. A 1 MiB young generation (V8's default grows to 16 MiB a half)
 * collects the short-lived objects of each response sooner: in bench run 4 (100 clients over
 * the whole corpus) the proxy peaked at 124 MB with it against 157 MB without.
 */
export const PROXY_NODE_FLAGS = ['--max-semi-space-size=1'];

export async function launchProxy(options: LaunchOptions): Promise<LaunchedProxy> {
  await mkdir(options.workDir, { recursive: true });
  const files = {
    ready: join(options.workDir, `ready-${process.pid}`),
    outputFile: join(options.workDir, 'proxy-output.log'),
    accessLog: join(options.workDir, 'access-log.jsonl'),
    manifestFile: join(options.workDir, 'manifest.json'),
  };
  const args = [
    PROXY_NODE_FLAGS,
    options.loaderFlags ?? [],
    options.script,
    ['--store', options.storeDir],
    (options.allowFileHosts ?? []).flatMap((host) => ['--allow-file-host', host]),
    [
      '--host',
      options.host,
      '--port',
      formatPorts(typeof options.port === 'number' ? [options.port] : options.port),
    ],
    ['--index-policy', options.indexPolicy],
    ['--ready-file', files.ready, '--log', files.accessLog, '--manifest', files.manifestFile],
    options.pinsFile ? ['--pins', options.pinsFile] : [],
    options.intercept ? ['--intercept', options.intercept.caFile] : [],
    options.intercept?.lockedHashesFile ? ['--locked-hashes', options.intercept.lockedHashesFile] : [],
    (options.intercept?.mirrors ?? []).flatMap((name) => ['--intercept-upstream', name]),
  ].flat();
  const pid = await spawnDaemon(
    args,
    { ...options.env, [UPSTREAMS_ENV]: options.upstreams.join('\n') },
    {
      ready: files.ready,
      outputFile: files.outputFile,
      timeoutMs: options.readyTimeoutMs,
    },
  );
  const url = (await readFile(files.ready, 'utf8')).trim();
  const health = await getJson<{ status?: string }>(`${url}/-/health`);
  if (health?.status !== 'ok') throw new Error(`the proxy at ${url} does not answer its health check`);
  return { pid, url, ...files };
}

/**
 * The relay that keeps the proxy's address tunnelling after the post step under interception
 * (src/proxy/intercept/tunnel-relay.ts): later post steps still have HTTPS_PROXY pointing there.
 */
export async function launchTunnelRelay(options: {
  script: string;
  loaderFlags?: string[];
  host: string;
  port: number;
  workDir: string;
  env: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
}): Promise<{ pid: number; url: string; outputFile: string }> {
  const ready = join(options.workDir, `relay-ready-${process.pid}`);
  const outputFile = join(options.workDir, 'relay-output.log');
  const args = [
    options.loaderFlags ?? [],
    options.script,
    ['--tunnel-relay', '--host', options.host, '--port', String(options.port), '--ready-file', ready],
  ].flat();
  const pid = await spawnDaemon(args, options.env, { ready, outputFile, timeoutMs: options.readyTimeoutMs });
  return { pid, url: (await readFile(ready, 'utf8')).trim(), outputFile };
}

/** The daemon exited (or hung) before it was ready; `exitCode` says why (PORTS_IN_USE_EXIT_CODE). */
export class ProxyStartError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | undefined,
  ) {
    super(message);
  }
}

/** Starts `node <args>` detached and waits for it to write its ready file; returns its pid. */
async function spawnDaemon(
  args: string[],
  env: NodeJS.ProcessEnv,
  files: { ready: string; outputFile: string; timeoutMs?: number },
): Promise<number> {
  const output = openSync(files.outputFile, 'a');
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', output, output],
    env,
    windowsHide: true,
  });
  let exited: string | undefined;
  let exitCode: number | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? `code ${code}`}`;
    exitCode = code ?? undefined;
  });
  child.once('error', (error) => {
    exited = error.message;
  });
  child.unref();

  const deadline = Date.now() + (files.timeoutMs ?? 20_000);
  while (!existsSync(files.ready)) {
    if (exited || Date.now() > deadline) {
      if (!exited && child.pid) killQuietly(child.pid, 'SIGKILL');
      throw new ProxyStartError(
        `the proxy did not start (${exited ?? 'no answer in time'}): ${tail(files.outputFile)}`,
        exitCode,
      );
    }
    await sleep(25);
  }
  return child.pid ?? 0;
}

/**
 * Whether `pid` is still the daemon started on `storeDir`. A pid recorded in the main step may
 * belong to another process by the post step (the proxy died, the pid was reused): Linux tells
 * by /proc/<pid>/cmdline. Where there is no /proc (macOS, Windows) the pid is taken on trust.
 */
export function isProxyProcess(pid: number, storeDir: string): boolean {
  let argv: string[];
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return !existsSync('/proc/self/cmdline');
  }
  const store = argv.indexOf('--store');
  // dist/proxy.js, or src/cli/proxy.ts when the action runs from source (local-action).
  return store > 0 && argv[store + 1] === storeDir && argv.some((arg) => /proxy\.([cm]?js|ts)$/.test(arg));
}

/**
 * How long stopProxy waits after SIGTERM before SIGKILL: the daemon's grace period for what is
 * under way, then the manifest, the access log and the store lock (issue 9, case 5), plus a
 * margin for a loaded machine. Longer only keeps a job waiting on a daemon that is stuck.
 */
export const STOP_TIMEOUT_MS = DEFAULT_SHUTDOWN_GRACE_MS + 3_000;

/**
 * SIGTERM, then waits for the daemon to finish; SIGKILL after `timeoutMs`. With `storeDir`, a
 * pid that is not that proxy is left alone ('not-ours').
 */
export async function stopProxy(
  pid: number,
  timeoutMs = STOP_TIMEOUT_MS,
  storeDir?: string,
): Promise<'stopped' | 'killed' | 'not-running' | 'not-ours'> {
  if (!isRunning(pid)) return 'not-running';
  if (storeDir !== undefined && !isProxyProcess(pid, storeDir)) return 'not-ours';
  killQuietly(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid)) {
    if (Date.now() > deadline) {
      if (storeDir === undefined || isProxyProcess(pid, storeDir)) killQuietly(pid, 'SIGKILL');
      return 'killed';
    }
    await sleep(50);
  }
  return 'stopped';
}

/**
 * How long the post step waits for the daemon's stats and manifest. A live daemon answers in
 * milliseconds; one that does not answer within this is stuck, and its numbers are not worth
 * keeping the job waiting (the manifest it writes on exit is read from its file instead).
 */
export const QUERY_TIMEOUT_MS = 2_000;

/**
 * The most of an answer the steps hold. A job's manifest is kilobytes (one line per file it used);
 * whatever sends more within the timeout is not our daemon's answer (something else on its port
 * after it died), and holding it all could take the step's memory. The manifest is also in a file.
 */
export const MAX_QUERY_ANSWER_BYTES = 16 * (1 << 20);

export function fetchProxyStats(
  url: string,
  timeoutMs = QUERY_TIMEOUT_MS,
): Promise<ProxyStatsSnapshot | undefined> {
  return getJson<ProxyStatsSnapshot>(`${url}/-/stats`, timeoutMs);
}

export function fetchProxyManifest(url: string, timeoutMs = QUERY_TIMEOUT_MS): Promise<Manifest | undefined> {
  return getJson<Manifest>(`${url}/-/manifest`, timeoutMs);
}

/**
 * GET `url` (the daemon's, always http://) and parse its JSON body; undefined on any failure, a
 * non-2xx answer, a body that is not JSON or larger than MAX_QUERY_ANSWER_BYTES, or no full
 * answer within `timeoutMs`.
 * node:http, not fetch: a first fetch loads Node's own undici and compiles its WebAssembly HTTP
 * parser (~0.28 s of CPU on Node 20 here, against ~0.01 s for http.get), and under
 * NODE_USE_ENV_PROXY=1 (Node 24) fetch and http's global agent send requests through the job's
 * HTTP_PROXY, which cannot reach the daemon. Hence an agent of our own, with `proxyEnv: null`:
 * it stays unproxied if agents made without proxyEnv start to follow the environment
 * (nodejs/node#64528). Node 20 ignores the option.
 */
function getJson<T>(url: string, timeoutMs = 10_000): Promise<T | undefined> {
  return new Promise((resolve) => {
    let request: ClientRequest | undefined;
    // The deadline settles by itself: it does not count on destroy() raising an error event.
    const timer = setTimeout(() => {
      request?.destroy();
      resolve(undefined);
    }, timeoutMs);
    const settle = (value: T | undefined) => {
      clearTimeout(timer);
      resolve(value);
    };
    try {
      const agent = new Agent({ proxyEnv: null } as AgentOptions);
      request = get(url, { agent }, (response) => {
        const status = response.statusCode ?? 0;
        if (status < 200 || status > 299) {
          response.resume();
          settle(undefined);
          return;
        }
        const chunks: Buffer[] = [];
        let bytes = 0;
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > MAX_QUERY_ANSWER_BYTES) {
            request?.destroy();
            settle(undefined);
            return;
          }
          chunks.push(chunk);
        });
        response.on('error', () => settle(undefined));
        response.on('end', () => settle(parseJson<T>(Buffer.concat(chunks).toString('utf8'))));
      });
      request.on('error', () => settle(undefined));
    } catch {
      settle(undefined);
    }
  });
}

function parseJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** The last lines of the daemon's output, for an error message. */
export function tail(file: string, lines = 10): string {
  try {
    return readFileSync(file, 'utf8').trim().split(/\r?\n/).slice(-lines).join('\n') || '(no output)';
  } catch {
    return '(no output)';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
