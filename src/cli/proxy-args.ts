// Command-line flags for `pypi-cache-proxy`. Strict: an unknown flag, a missing value or a bad
// value is a UsageError (exit code 2), never silently ignored.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parsePorts } from '../proxy/http/listen-ports.js';
import { isFileHostPattern } from '../proxy/upstream/file-host-pattern.js';
import { UPSTREAMS_ENV } from '../proxy/upstream/upstream-config.js';
import { redactIndexUrl } from '../proxy/upstream/url-secrets.js';

export interface ProxyArgs {
  help: boolean;
  store: string;
  upstreams: string[];
  allowFileHosts: string[];
  host: string;
  /** Candidates in order: the first free one is bound (listen-ports.ts). */
  port: number[];
  indexPolicy: 'revalidate' | 'frozen';
  readyFile?: string;
  log?: string;
  manifest?: string;
  pins?: string;
  pageDeadlineMs?: number;
  maxPageBytes?: number;
  maxFileBytes?: number;
  /** Where the job CA's certificate goes; set: interception on. */
  intercept?: string;
  interceptUpstreams: string[];
  /** Only a plain CONNECT relay on --host/--port (what the action leaves after its post step). */
  tunnelRelay?: boolean;
  lockedHashes?: string;
  memoryBudgetBytes?: number;
}

export class UsageError extends Error {}

export const HELP = `Usage: pypi-cache-proxy [options]

A local caching proxy for the Python simple repository API (PEP 503/691). Point pip or uv at
<url>/simple/ (extra upstreams at <url>/<name>/simple/).

Options:
  --store DIR             store directory (default: ~/.cache/pypi-cache-proxy)
  --upstream [NAME=]URL   upstream index, repeatable; the first (default name "pypi") serves
                          /simple/, others /<NAME>/simple/. Default: https://pypi.org/simple/
                          Credentials: URL userinfo or PYPI_CACHE_PROXY_AUTH_<NAME>=user:password
                          Without --upstream: PYPI_CACHE_PROXY_UPSTREAMS, one [NAME=]URL a line
                          (keeps a token in an index path off the command line, which every
                          user can read)
  --allow-file-host HOST  also fetch files and follow redirects to HOST (repeatable;
                          *.example.com for its subdomains). Without it, only the index's
                          own host (and files.pythonhosted.org for pypi.org); never
                          link-local addresses, loopback only for an index on loopback
  --host HOST             address to bind (default: 127.0.0.1)
  --port N                port, 0 picks a free one (default: 0); a list (31415-31434,0):
                          the first that is free, in order
  --index-policy POLICY   revalidate: ask upstream once per run for each page (default)
                          frozen: serve pages in the store without asking upstream
  --ready-file FILE       write the proxy URL to FILE once listening
  --log FILE              append an access log (JSON lines) to FILE
  --manifest FILE         where to write the manifest of used entries on shutdown
                          (default: <store>/manifest.json)
  --pins FILE             JSON {"projects": {"<name>": ["<version>", ...]}}: versions the
                          lockfiles pin; under revalidate, a stored page that lists all of a
                          project's pinned versions is served without asking upstream
  --page-deadline-ms N    when the store holds a page, serve it if upstream has not answered
                          in full after N ms (hung or trickling upstream; default 3000)
  --max-page-size SIZE    refuse upstream pages larger than SIZE (bytes, or with K, M, G:
                          binary units; default 64M)
  --max-file-size SIZE    cut off (and never store) a file body past SIZE when the index gives
                          no size for it (a PEP 691 size is the bound when given; same units;
                          default 4G)
  --intercept CA_FILE     also be an HTTPS forward proxy (CONNECT): terminate TLS for
                          pypi.org and files.pythonhosted.org with a CA made for this run
                          (its key stays in memory), written to CA_FILE (the certificate
                          only); other hosts are plain tunnels (never to loopback or
                          link-local addresses)
  --intercept-upstream NAME  intercept this upstream's host too (a PyPI mirror), repeatable
  --locked-hashes FILE    JSON {"files": {"<url>": "<sha256>"}}: what lockfiles lock, checked
                          under interception when a file is asked for without its page
  --memory-budget SIZE    memory for what a run keeps for repeats: parsed pages, rendered
                          pages, stored files' sizes and small files' bytes (default 96M)
  --tunnel-relay          only relay CONNECT tunnels on --host/--port, every host plain,
                          nothing read or stored (what the action leaves on the proxy's
                          address after its post step, for the steps that follow)
  -h, --help              show this help

Environment:
  PYPI_CACHE_PROXY_OUTBOUND_PROXY     http(s)://[user:password@]host:port: send the proxy's own
                                      connections (upstream fetches, tunnels) through this proxy
                                      by CONNECT (the job's HTTPS_PROXY; kept off argv); https://
                                      is TLS to the proxy, checked against Node's roots and the
                                      files SSL_CERT_FILE, REQUESTS_CA_BUNDLE, PIP_CERT and
                                      NODE_EXTRA_CA_CERTS name
  PYPI_CACHE_PROXY_OUTBOUND_NO_PROXY  hosts reached directly instead (NO_PROXY syntax)
  SSL_CERT_FILE, REQUESTS_CA_BUNDLE,  CA files trusted besides Node's roots for every
  PIP_CERT, NODE_EXTRA_CA_CERTS       upstream certificate (a corporate or internal CA), as
                                      pip and uv trust them

SIGTERM or SIGINT: finish what is under way within 5 s, answer the rest 503, write the
manifest, exit 0. A second SIGTERM or SIGINT exits at once (code 1).
Exit codes: 0 success, 1 runtime failure, 2 bad usage, 3 no --port free.
`;

const VALUE_FLAGS = new Set([
  '--store',
  '--upstream',
  '--allow-file-host',
  '--host',
  '--port',
  '--index-policy',
  '--ready-file',
  '--log',
  '--manifest',
  '--pins',
  '--page-deadline-ms',
  '--max-page-size',
  '--max-file-size',
  '--intercept',
  '--intercept-upstream',
  '--locked-hashes',
  '--memory-budget',
]);

function parsePort(value: string): number[] {
  const ports = parsePorts(value);
  if (typeof ports === 'string') throw new UsageError(`--port: ${ports}, got ${JSON.stringify(value)}`);
  return ports;
}

function parseMilliseconds(flag: string, value: string): number {
  const ms = Number(value);
  if (!/^\d+$/.test(value) || ms < 1 || ms > 600_000)
    throw new UsageError(`${flag}: expected milliseconds, 1-600000, got ${JSON.stringify(value)}`);
  return ms;
}

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** `4096`, `64M`, `2G` (binary units; `MiB`/`MB` spellings accepted alike). */
export function parseByteSize(flag: string, value: string): number {
  const match = /^(\d{1,15})\s*([kmg]?)(?:i?b)?$/i.exec(value.trim());
  const bytes = match ? Number(match[1]) * (SIZE_UNITS[(match[2] ?? '').toLowerCase()] ?? 1) : Number.NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0)
    throw new UsageError(`${flag}: expected a size such as 4096, 64M or 2G, got ${JSON.stringify(value)}`);
  return bytes;
}

function parsePolicy(value: string): ProxyArgs['indexPolicy'] {
  if (value !== 'revalidate' && value !== 'frozen') {
    throw new UsageError(`--index-policy: expected revalidate or frozen, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** `[NAME=]URL` with an http(s) URL; the upstream module checks names and duplicates. */
function parseUpstream(value: string, source = '--upstream'): string {
  const url = /^[A-Za-z0-9_-]+=/.test(value) ? value.slice(value.indexOf('=') + 1) : value;
  let protocol = '';
  try {
    protocol = new URL(url).protocol;
  } catch {
    // reported below
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new UsageError(
      `${source}: expected [NAME=]URL with an http(s) URL, e.g. https://pypi.org/simple/, got ${JSON.stringify(redactIndexUrl(value))}`,
    );
  }
  return value;
}

/** A host name, `*.` and a domain, or an IP address; no scheme, port or path. */
function parseFileHost(value: string): string {
  if (!isFileHostPattern(value)) {
    throw new UsageError(
      `--allow-file-host: expected a host name (files.example.com), *.example.com or an address, got ${JSON.stringify(value)}`,
    );
  }
  return value.toLowerCase();
}

/** Dotted quads must be an IPv4 address; names are resolved when the proxy binds. */
function parseHost(value: string): string {
  const quad = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(value);
  if (quad?.slice(1).some((octet) => Number(octet) > 255)) {
    throw new UsageError(
      `--host: expected an IP address (e.g. 127.0.0.1, 0.0.0.0, ::1) or a host name, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function upstreamsFromEnv(env: NodeJS.ProcessEnv): string[] {
  return (env[UPSTREAMS_ENV] ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => parseUpstream(line, UPSTREAMS_ENV));
}

function defaultStore(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'pypi-cache-proxy');
}

function* flagValues(argv: string[]): Generator<[string, string | undefined]> {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (flag === '--help' || flag === '-h') {
      yield ['--help', undefined];
      continue;
    }
    if (flag === '--tunnel-relay') {
      yield [flag, undefined];
      continue;
    }
    if (!VALUE_FLAGS.has(flag)) throw new UsageError(`unknown option ${JSON.stringify(arg)}`);
    const value = flag !== arg ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`);
    // `--store --port 0`: the next flag is not the store's value.
    if (flag === arg && VALUE_FLAGS.has(value.split('=')[0] ?? '')) {
      throw new UsageError(`${flag} needs a value, got the flag ${JSON.stringify(value)}`);
    }
    yield [flag, value];
  }
}

export function parseProxyArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ProxyArgs {
  const args: ProxyArgs = {
    help: false,
    store: defaultStore(env),
    upstreams: [],
    allowFileHosts: [],
    host: '127.0.0.1',
    port: [0],
    indexPolicy: 'revalidate',
    interceptUpstreams: [],
  };
  for (const [flag, value = ''] of flagValues(argv)) {
    if (flag === '--help') args.help = true;
    else if (flag === '--tunnel-relay') args.tunnelRelay = true;
    else if (flag === '--store') args.store = value;
    else if (flag === '--upstream') args.upstreams.push(parseUpstream(value));
    else if (flag === '--allow-file-host') args.allowFileHosts.push(parseFileHost(value));
    else if (flag === '--host') args.host = parseHost(value);
    else if (flag === '--port') args.port = parsePort(value);
    else if (flag === '--index-policy') args.indexPolicy = parsePolicy(value);
    else if (flag === '--ready-file') args.readyFile = value;
    else if (flag === '--log') args.log = value;
    else if (flag === '--manifest') args.manifest = value;
    else if (flag === '--pins') args.pins = value;
    else if (flag === '--page-deadline-ms') args.pageDeadlineMs = parseMilliseconds(flag, value);
    else if (flag === '--max-page-size') args.maxPageBytes = parseByteSize(flag, value);
    else if (flag === '--max-file-size') args.maxFileBytes = parseByteSize(flag, value);
    else if (flag === '--intercept') args.intercept = value;
    else if (flag === '--intercept-upstream') args.interceptUpstreams.push(value);
    else if (flag === '--locked-hashes') args.lockedHashes = value;
    else if (flag === '--memory-budget') args.memoryBudgetBytes = parseByteSize(flag, value);
  }
  if (!args.intercept && (args.interceptUpstreams.length > 0 || args.lockedHashes)) {
    throw new UsageError('--intercept-upstream and --locked-hashes need --intercept CA_FILE');
  }
  if (args.upstreams.length === 0) args.upstreams = upstreamsFromEnv(env);
  return args;
}
